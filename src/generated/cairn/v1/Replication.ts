// Original file: cairn/v1/replication.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AckReply as _cairn_v1_AckReply, AckReply__Output as _cairn_v1_AckReply__Output } from '../../cairn/v1/AckReply.js';
import type { AckRequest as _cairn_v1_AckRequest, AckRequest__Output as _cairn_v1_AckRequest__Output } from '../../cairn/v1/AckRequest.js';
import type { AnnounceReply as _cairn_v1_AnnounceReply, AnnounceReply__Output as _cairn_v1_AnnounceReply__Output } from '../../cairn/v1/AnnounceReply.js';
import type { EpochNotice as _cairn_v1_EpochNotice, EpochNotice__Output as _cairn_v1_EpochNotice__Output } from '../../cairn/v1/EpochNotice.js';
import type { GetPositionRequest as _cairn_v1_GetPositionRequest, GetPositionRequest__Output as _cairn_v1_GetPositionRequest__Output } from '../../cairn/v1/GetPositionRequest.js';
import type { HeartbeatReply as _cairn_v1_HeartbeatReply, HeartbeatReply__Output as _cairn_v1_HeartbeatReply__Output } from '../../cairn/v1/HeartbeatReply.js';
import type { HeartbeatRequest as _cairn_v1_HeartbeatRequest, HeartbeatRequest__Output as _cairn_v1_HeartbeatRequest__Output } from '../../cairn/v1/HeartbeatRequest.js';
import type { Position as _cairn_v1_Position, Position__Output as _cairn_v1_Position__Output } from '../../cairn/v1/Position.js';
import type { Pulse as _cairn_v1_Pulse, Pulse__Output as _cairn_v1_Pulse__Output } from '../../cairn/v1/Pulse.js';
import type { PulseAnswer as _cairn_v1_PulseAnswer, PulseAnswer__Output as _cairn_v1_PulseAnswer__Output } from '../../cairn/v1/PulseAnswer.js';
import type { RelayReply as _cairn_v1_RelayReply, RelayReply__Output as _cairn_v1_RelayReply__Output } from '../../cairn/v1/RelayReply.js';
import type { RelayReport as _cairn_v1_RelayReport, RelayReport__Output as _cairn_v1_RelayReport__Output } from '../../cairn/v1/RelayReport.js';
import type { WatchEvent as _cairn_v1_WatchEvent, WatchEvent__Output as _cairn_v1_WatchEvent__Output } from '../../cairn/v1/WatchEvent.js';
import type { WatchRequest as _cairn_v1_WatchRequest, WatchRequest__Output as _cairn_v1_WatchRequest__Output } from '../../cairn/v1/WatchRequest.js';

export interface ReplicationClient extends grpc.Client {
  /**
   * A backup confirms that a revision is durable on its disk; counted by
   * --sync-backups.
   */
  Ack(argument: _cairn_v1_AckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AckReply__Output>): grpc.ClientUnaryCall;
  Ack(argument: _cairn_v1_AckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_AckReply__Output>): grpc.ClientUnaryCall;
  Ack(argument: _cairn_v1_AckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AckReply__Output>): grpc.ClientUnaryCall;
  Ack(argument: _cairn_v1_AckRequest, callback: grpc.requestCallback<_cairn_v1_AckReply__Output>): grpc.ClientUnaryCall;
  /**
   * A backup confirms that a revision is durable on its disk; counted by
   * --sync-backups.
   */
  ack(argument: _cairn_v1_AckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AckReply__Output>): grpc.ClientUnaryCall;
  ack(argument: _cairn_v1_AckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_AckReply__Output>): grpc.ClientUnaryCall;
  ack(argument: _cairn_v1_AckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AckReply__Output>): grpc.ClientUnaryCall;
  ack(argument: _cairn_v1_AckRequest, callback: grpc.requestCallback<_cairn_v1_AckReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * A newly promoted primary tells the other managers its epoch; a primary
   * with a lower epoch steps down.
   */
  Announce(argument: _cairn_v1_EpochNotice, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AnnounceReply__Output>): grpc.ClientUnaryCall;
  Announce(argument: _cairn_v1_EpochNotice, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_AnnounceReply__Output>): grpc.ClientUnaryCall;
  Announce(argument: _cairn_v1_EpochNotice, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AnnounceReply__Output>): grpc.ClientUnaryCall;
  Announce(argument: _cairn_v1_EpochNotice, callback: grpc.requestCallback<_cairn_v1_AnnounceReply__Output>): grpc.ClientUnaryCall;
  /**
   * A newly promoted primary tells the other managers its epoch; a primary
   * with a lower epoch steps down.
   */
  announce(argument: _cairn_v1_EpochNotice, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AnnounceReply__Output>): grpc.ClientUnaryCall;
  announce(argument: _cairn_v1_EpochNotice, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_AnnounceReply__Output>): grpc.ClientUnaryCall;
  announce(argument: _cairn_v1_EpochNotice, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AnnounceReply__Output>): grpc.ClientUnaryCall;
  announce(argument: _cairn_v1_EpochNotice, callback: grpc.requestCallback<_cairn_v1_AnnounceReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Where this manager stands; promote-manager compares backups with it.
   */
  GetPosition(argument: _cairn_v1_GetPositionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Position__Output>): grpc.ClientUnaryCall;
  GetPosition(argument: _cairn_v1_GetPositionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_Position__Output>): grpc.ClientUnaryCall;
  GetPosition(argument: _cairn_v1_GetPositionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Position__Output>): grpc.ClientUnaryCall;
  GetPosition(argument: _cairn_v1_GetPositionRequest, callback: grpc.requestCallback<_cairn_v1_Position__Output>): grpc.ClientUnaryCall;
  /**
   * Where this manager stands; promote-manager compares backups with it.
   */
  getPosition(argument: _cairn_v1_GetPositionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Position__Output>): grpc.ClientUnaryCall;
  getPosition(argument: _cairn_v1_GetPositionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_Position__Output>): grpc.ClientUnaryCall;
  getPosition(argument: _cairn_v1_GetPositionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Position__Output>): grpc.ClientUnaryCall;
  getPosition(argument: _cairn_v1_GetPositionRequest, callback: grpc.requestCallback<_cairn_v1_Position__Output>): grpc.ClientUnaryCall;
  
  /**
   * Liveness and package health, sent by every agent (and every backup
   * manager) to the primary once per interval.
   */
  Heartbeat(argument: _cairn_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _cairn_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _cairn_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _cairn_v1_HeartbeatRequest, callback: grpc.requestCallback<_cairn_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  /**
   * Liveness and package health, sent by every agent (and every backup
   * manager) to the primary once per interval.
   */
  heartbeat(argument: _cairn_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _cairn_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _cairn_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _cairn_v1_HeartbeatRequest, callback: grpc.requestCallback<_cairn_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Pulses relayed (SPEC 16): a backup started with --relay-heartbeats
   * takes the pulses of the agents the primary sends to it (a whole
   * heartbeat's `relay_address`), answering each, and reports them to the
   * primary four times a second (Relay). Whole heartbeats still go to the
   * primary. An answer with `relayed` false, or none in time, sends the
   * agent's heartbeat, whole, to the primary in the same beat.
   */
  Pulses(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_cairn_v1_Pulse, _cairn_v1_PulseAnswer__Output>;
  Pulses(options?: grpc.CallOptions): grpc.ClientDuplexStream<_cairn_v1_Pulse, _cairn_v1_PulseAnswer__Output>;
  /**
   * Pulses relayed (SPEC 16): a backup started with --relay-heartbeats
   * takes the pulses of the agents the primary sends to it (a whole
   * heartbeat's `relay_address`), answering each, and reports them to the
   * primary four times a second (Relay). Whole heartbeats still go to the
   * primary. An answer with `relayed` false, or none in time, sends the
   * agent's heartbeat, whole, to the primary in the same beat.
   */
  pulses(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_cairn_v1_Pulse, _cairn_v1_PulseAnswer__Output>;
  pulses(options?: grpc.CallOptions): grpc.ClientDuplexStream<_cairn_v1_Pulse, _cairn_v1_PulseAnswer__Output>;
  
  /**
   * A relaying backup's report: the hosts whose pulses it took since its
   * last report, each with how long ago its last one came.
   */
  Relay(argument: _cairn_v1_RelayReport, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_RelayReply__Output>): grpc.ClientUnaryCall;
  Relay(argument: _cairn_v1_RelayReport, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_RelayReply__Output>): grpc.ClientUnaryCall;
  Relay(argument: _cairn_v1_RelayReport, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_RelayReply__Output>): grpc.ClientUnaryCall;
  Relay(argument: _cairn_v1_RelayReport, callback: grpc.requestCallback<_cairn_v1_RelayReply__Output>): grpc.ClientUnaryCall;
  /**
   * A relaying backup's report: the hosts whose pulses it took since its
   * last report, each with how long ago its last one came.
   */
  relay(argument: _cairn_v1_RelayReport, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_RelayReply__Output>): grpc.ClientUnaryCall;
  relay(argument: _cairn_v1_RelayReport, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_RelayReply__Output>): grpc.ClientUnaryCall;
  relay(argument: _cairn_v1_RelayReport, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_RelayReply__Output>): grpc.ClientUnaryCall;
  relay(argument: _cairn_v1_RelayReport, callback: grpc.requestCallback<_cairn_v1_RelayReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * The same as a session (SPEC 16): one stream per agent for as long as it
   * lives, so that liveness costs the primary one small message per pulse
   * instead of a call per interval. The first message is a whole heartbeat;
   * after it the agent sends a whole one when anything in it changes, and
   * otherwise a pulse (its host, its revision, `pulse` set) every
   * `interval_ms` of the first reply. The primary answers every whole
   * heartbeat, never a pulse; a backup answers `recorded` false, naming the
   * primary, and ends the stream. A host is alive while its pulses come: a
   * session that ends gives it no more time than its last message did.
   */
  Session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_cairn_v1_HeartbeatRequest, _cairn_v1_HeartbeatReply__Output>;
  Session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_cairn_v1_HeartbeatRequest, _cairn_v1_HeartbeatReply__Output>;
  /**
   * The same as a session (SPEC 16): one stream per agent for as long as it
   * lives, so that liveness costs the primary one small message per pulse
   * instead of a call per interval. The first message is a whole heartbeat;
   * after it the agent sends a whole one when anything in it changes, and
   * otherwise a pulse (its host, its revision, `pulse` set) every
   * `interval_ms` of the first reply. The primary answers every whole
   * heartbeat, never a pulse; a backup answers `recorded` false, naming the
   * primary, and ends the stream. A host is alive while its pulses come: a
   * session that ends gives it no more time than its last message did.
   */
  session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_cairn_v1_HeartbeatRequest, _cairn_v1_HeartbeatReply__Output>;
  session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_cairn_v1_HeartbeatRequest, _cairn_v1_HeartbeatReply__Output>;
  
  /**
   * A snapshot when needed, then every change in order, forever (Progress
   * messages keep the stream alive while nothing changes). Served by
   * primaries and backups.
   */
  Watch(argument: _cairn_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_WatchEvent__Output>;
  Watch(argument: _cairn_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_WatchEvent__Output>;
  /**
   * A snapshot when needed, then every change in order, forever (Progress
   * messages keep the stream alive while nothing changes). Served by
   * primaries and backups.
   */
  watch(argument: _cairn_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_WatchEvent__Output>;
  watch(argument: _cairn_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_WatchEvent__Output>;
  
}

export interface ReplicationHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A backup confirms that a revision is durable on its disk; counted by
   * --sync-backups.
   */
  Ack: grpc.handleUnaryCall<_cairn_v1_AckRequest__Output, _cairn_v1_AckReply>;
  
  /**
   * A newly promoted primary tells the other managers its epoch; a primary
   * with a lower epoch steps down.
   */
  Announce: grpc.handleUnaryCall<_cairn_v1_EpochNotice__Output, _cairn_v1_AnnounceReply>;
  
  /**
   * Where this manager stands; promote-manager compares backups with it.
   */
  GetPosition: grpc.handleUnaryCall<_cairn_v1_GetPositionRequest__Output, _cairn_v1_Position>;
  
  /**
   * Liveness and package health, sent by every agent (and every backup
   * manager) to the primary once per interval.
   */
  Heartbeat: grpc.handleUnaryCall<_cairn_v1_HeartbeatRequest__Output, _cairn_v1_HeartbeatReply>;
  
  /**
   * Pulses relayed (SPEC 16): a backup started with --relay-heartbeats
   * takes the pulses of the agents the primary sends to it (a whole
   * heartbeat's `relay_address`), answering each, and reports them to the
   * primary four times a second (Relay). Whole heartbeats still go to the
   * primary. An answer with `relayed` false, or none in time, sends the
   * agent's heartbeat, whole, to the primary in the same beat.
   */
  Pulses: grpc.handleBidiStreamingCall<_cairn_v1_Pulse__Output, _cairn_v1_PulseAnswer>;
  
  /**
   * A relaying backup's report: the hosts whose pulses it took since its
   * last report, each with how long ago its last one came.
   */
  Relay: grpc.handleUnaryCall<_cairn_v1_RelayReport__Output, _cairn_v1_RelayReply>;
  
  /**
   * The same as a session (SPEC 16): one stream per agent for as long as it
   * lives, so that liveness costs the primary one small message per pulse
   * instead of a call per interval. The first message is a whole heartbeat;
   * after it the agent sends a whole one when anything in it changes, and
   * otherwise a pulse (its host, its revision, `pulse` set) every
   * `interval_ms` of the first reply. The primary answers every whole
   * heartbeat, never a pulse; a backup answers `recorded` false, naming the
   * primary, and ends the stream. A host is alive while its pulses come: a
   * session that ends gives it no more time than its last message did.
   */
  Session: grpc.handleBidiStreamingCall<_cairn_v1_HeartbeatRequest__Output, _cairn_v1_HeartbeatReply>;
  
  /**
   * A snapshot when needed, then every change in order, forever (Progress
   * messages keep the stream alive while nothing changes). Served by
   * primaries and backups.
   */
  Watch: grpc.handleServerStreamingCall<_cairn_v1_WatchRequest__Output, _cairn_v1_WatchEvent>;
  
}

export interface ReplicationDefinition extends grpc.ServiceDefinition {
  Ack: MethodDefinition<_cairn_v1_AckRequest, _cairn_v1_AckReply, _cairn_v1_AckRequest__Output, _cairn_v1_AckReply__Output>
  Announce: MethodDefinition<_cairn_v1_EpochNotice, _cairn_v1_AnnounceReply, _cairn_v1_EpochNotice__Output, _cairn_v1_AnnounceReply__Output>
  GetPosition: MethodDefinition<_cairn_v1_GetPositionRequest, _cairn_v1_Position, _cairn_v1_GetPositionRequest__Output, _cairn_v1_Position__Output>
  Heartbeat: MethodDefinition<_cairn_v1_HeartbeatRequest, _cairn_v1_HeartbeatReply, _cairn_v1_HeartbeatRequest__Output, _cairn_v1_HeartbeatReply__Output>
  Pulses: MethodDefinition<_cairn_v1_Pulse, _cairn_v1_PulseAnswer, _cairn_v1_Pulse__Output, _cairn_v1_PulseAnswer__Output>
  Relay: MethodDefinition<_cairn_v1_RelayReport, _cairn_v1_RelayReply, _cairn_v1_RelayReport__Output, _cairn_v1_RelayReply__Output>
  Session: MethodDefinition<_cairn_v1_HeartbeatRequest, _cairn_v1_HeartbeatReply, _cairn_v1_HeartbeatRequest__Output, _cairn_v1_HeartbeatReply__Output>
  Watch: MethodDefinition<_cairn_v1_WatchRequest, _cairn_v1_WatchEvent, _cairn_v1_WatchRequest__Output, _cairn_v1_WatchEvent__Output>
}
