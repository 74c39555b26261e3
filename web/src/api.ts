/**
 * The node's HTTP API as the app uses it: the shared client and the shapes of the API's
 * contract (src/core/api). Types only from the schemas, so typebox stays out of the bundle.
 */
export { ApiError, NodeClient as NodeApi } from '#core/api/client.ts';
export type {
  BlockDetail,
  BlockEvent,
  BlockSummary,
  FeedQuery,
  MineResult,
  NodeEvents,
  NodeStatus,
  Page,
  PendingPage,
  PostDetail,
  PostEvent,
  PostView,
  ReorgEvent,
  SubmitAnswer,
} from '#core/api/schemas.ts';
