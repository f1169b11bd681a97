// Original file: cairn/v1/agent.proto


export interface AgentStatusRequest {
}

export interface AgentStatusRequest__Output {
}
