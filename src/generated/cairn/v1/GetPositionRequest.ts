// Original file: cairn/v1/replication.proto


export interface GetPositionRequest {
}

export interface GetPositionRequest__Output {
}
