import { createRequire } from 'node:module'
import type * as CodePb from '@eventstore/db-client/generated/code_pb'
import type * as ServerFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb'
import type * as ServerFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb'
import type * as SharedPb from '@eventstore/db-client/generated/shared_pb'
import type * as StatusPb from '@eventstore/db-client/generated/status_pb'
import type * as StreamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb'
import type * as StreamsPb from '@eventstore/db-client/generated/streams_pb'

/*
 * The client package ships its generated protobuf classes and gRPC service definitions as
 * CommonJS. The emulator must use the very same module instances as the client: the generated
 * serializers check `instanceof` against their own classes. Loading them through a require rooted
 * at the client package guarantees that, including for google-protobuf's Any and Empty.
 */
const requireFromHere = createRequire(import.meta.url)
const clientPackageJson = requireFromHere.resolve('@eventstore/db-client/package.json')
const requireFromClient = createRequire(clientPackageJson)

export const streamsPb = requireFromClient('./generated/streams_pb.js') as typeof StreamsPb
export const streamsGrpc = requireFromClient('./generated/streams_grpc_pb.js') as typeof StreamsGrpc
export const sharedPb = requireFromClient('./generated/shared_pb.js') as typeof SharedPb
export const statusPb = requireFromClient('./generated/status_pb.js') as typeof StatusPb
export const codePb = requireFromClient('./generated/code_pb.js') as typeof CodePb
export const serverFeaturesPb = requireFromClient(
  './generated/serverfeatures_pb.js',
) as typeof ServerFeaturesPb
export const serverFeaturesGrpc = requireFromClient(
  './generated/serverfeatures_grpc_pb.js',
) as typeof ServerFeaturesGrpc

/** google.protobuf.Any and Empty, typed through the generated messages that carry them. */
export type AnyMessage = NonNullable<ReturnType<StatusPb.Status['getDetails']>>
export type GoogleEmpty = NonNullable<Parameters<StreamsPb.BatchAppendResp['setNoStream']>[0]>
export const GoogleAny = (
  requireFromClient('google-protobuf/google/protobuf/any_pb.js') as { Any: new () => AnyMessage }
).Any
export const GoogleEmpty = (
  requireFromClient('google-protobuf/google/protobuf/empty_pb.js') as { Empty: new () => GoogleEmpty }
).Empty

export type ReadReq = StreamsPb.ReadReq
export type ReadResp = StreamsPb.ReadResp
export type AppendReq = StreamsPb.AppendReq
export type AppendResp = StreamsPb.AppendResp
export type BatchAppendReq = StreamsPb.BatchAppendReq
export type BatchAppendResp = StreamsPb.BatchAppendResp
export type DeleteReq = StreamsPb.DeleteReq
export type DeleteResp = StreamsPb.DeleteResp
export type TombstoneReq = StreamsPb.TombstoneReq
export type TombstoneResp = StreamsPb.TombstoneResp
export type RecordedEventPb = StreamsPb.ReadResp.ReadEvent.RecordedEvent
export type FilterOptionsPb = StreamsPb.ReadReq.Options.FilterOptions
export type UuidPb = SharedPb.UUID
export type StreamIdentifierPb = SharedPb.StreamIdentifier
