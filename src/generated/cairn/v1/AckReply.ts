// Original file: cairn/v1/replication.proto


export interface AckReply {
}

export interface AckReply__Output {
}
