import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  ERROR_RESPONSES,
  IdParams,
  NameInfo,
  NameParams,
  NotificationPage,
  PeopleParams,
  Person,
  PersonPage,
  PersonPageQuery,
  PostSocial,
  PubkeyParams,
  SocialPageQuery,
  SocialPostPage,
} from '../../core/api/schemas.ts';
import { NodeError, NodeErrorCode } from '../errors.ts';
import type { ApiContext } from './context.ts';

const TAG = { tags: ['social'] };

/**
 * The social read API (docs/PROTOCOL.md §13): people by key or @handle, follows, home
 * timelines, notifications, names and a post's social state. Actions are written through
 * POST /api/v1/posts like every post.
 */
export function registerSocialRoutes(fastify: FastifyInstance, ctx: ApiContext): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const social = ctx.social;
  const person = (key: string): string => {
    const pubkey = social.resolve(key);
    if (pubkey === undefined)
      throw new NodeError(NodeErrorCode.NOT_FOUND, `nobody holds ${key.slice(0, 24)}`);
    return pubkey;
  };

  app.get(
    '/api/v1/people/:key',
    {
      schema: {
        ...TAG,
        summary: 'A person by public key or @handle: profile, handle, follow counts, pending actions',
        params: PeopleParams,
        response: { 200: Person, ...ERROR_RESPONSES },
      },
    },
    async (request) => social.person(person(request.params.key)),
  );

  app.get(
    '/api/v1/people/:key/followers',
    {
      schema: {
        ...TAG,
        summary: 'The keys that follow a person, by key order, paged',
        params: PeopleParams,
        querystring: PersonPageQuery,
        response: { 200: PersonPage, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      social.followers(person(request.params.key), request.query.limit ?? 50, request.query.after),
  );

  app.get(
    '/api/v1/people/:key/following',
    {
      schema: {
        ...TAG,
        summary: 'The keys a person follows, by key order, paged',
        params: PeopleParams,
        querystring: PersonPageQuery,
        response: { 200: PersonPage, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      social.following(person(request.params.key), request.query.limit ?? 50, request.query.after),
  );

  app.get(
    '/api/v1/timeline/:pubkey',
    {
      schema: {
        ...TAG,
        summary: 'Home timeline: posts, quotes and reposts of the keys it follows, newest first',
        params: PubkeyParams,
        querystring: SocialPageQuery,
        response: { 200: SocialPostPage, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      social.timeline(request.params.pubkey, request.query.limit ?? 30, request.query.before),
  );

  app.get(
    '/api/v1/notifications/:pubkey',
    {
      schema: {
        ...TAG,
        summary: 'Replies, mentions, reactions, reposts, quotes and follows of a key, newest first',
        params: PubkeyParams,
        querystring: SocialPageQuery,
        response: { 200: NotificationPage, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      social.notifications(request.params.pubkey, request.query.limit ?? 30, request.query.before),
  );

  app.get(
    '/api/v1/names/:name',
    {
      schema: {
        ...TAG,
        summary: 'Who holds a name (§13.5), until when, and reveals still pending',
        params: NameParams,
        response: { 200: NameInfo, ...ERROR_RESPONSES },
      },
    },
    async (request) => social.name(request.params.name),
  );

  app.get(
    '/api/v1/posts/:id/social',
    {
      schema: {
        ...TAG,
        summary: "A post's reactions, reposts, quotes, replies, edit history and deletion",
        params: IdParams,
        response: { 200: PostSocial, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const answer = social.postSocial(request.params.id);
      if (answer === undefined) throw new NodeError(NodeErrorCode.NOT_FOUND, `no post ${request.params.id}`);
      return answer;
    },
  );
}
