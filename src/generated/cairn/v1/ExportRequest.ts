// Original file: cairn/v1/registry.proto


export interface ExportRequest {
}

export interface ExportRequest__Output {
}
