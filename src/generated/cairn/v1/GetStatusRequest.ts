// Original file: cairn/v1/registry.proto


export interface GetStatusRequest {
}

export interface GetStatusRequest__Output {
}
