// Original file: cairn/v1/registry.proto


export interface ListDomainsRequest {
}

export interface ListDomainsRequest__Output {
}
