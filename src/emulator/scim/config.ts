// What the emulator's SCIM service says about itself: `GET ServiceProviderConfigs` (v1 and v2) and
// `GET ResourceTypes` (v2), in the shapes java-slack-sdk recorded from Slack (data/scim-samples.json).
// The values describe what this emulator does: PATCH and filters yes (at most 1,000 results a page,
// the `count` cap in request.ts), bulk, sort, ETags, password changes and XML no.
import { jsonReply, type Reply } from '../http/transport.js';
import { ScimFailure } from './request.js';
import { SCHEMAS, type ScimVersion } from './resources.js';

export type ScimConfigResource = 'ServiceProviderConfigs' | 'ResourceTypes';

const MAX_RESULTS = 1000;
const MAX_BODY = 1024 * 1024;

function serviceProviderConfig(): Record<string, unknown> {
  return {
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: "An org admin's user token with the admin scope, in the Authorization header",
        specUrl: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
    ],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: MAX_BODY },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    xmlDataFormat: { supported: false },
  };
}

function resourceTypes(baseUrl: string): Record<string, unknown> {
  const type = (id: 'User' | 'Group', endpoint: string, schema: string, description: string) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id,
    name: id,
    endpoint,
    description,
    schema,
    meta: { location: `${baseUrl}scim/v2/ResourceTypes/${id}`, resourceType: 'ResourceType' },
    schemaExtensions: [],
  });
  const resources = [
    type('User', '/Users', SCHEMAS.v2.user[0], 'A member of the org'),
    type('Group', '/Groups', SCHEMAS.v2.group[0], 'A user group of the org'),
  ];
  return {
    schemas: [...SCHEMAS.v2.list],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  };
}

/** Answers GET of a configuration resource; other verbs are 405, ResourceTypes on v1 is 404. */
export function handleConfig(
  version: ScimVersion,
  resource: ScimConfigResource,
  method: string,
  baseUrl: string,
): Reply {
  if (resource === 'ResourceTypes' && version === 'v1') throw new ScimFailure(404, 'not_found');
  if (method !== 'GET') throw new ScimFailure(405, 'method_not_allowed');
  return jsonReply(200, resource === 'ServiceProviderConfigs' ? serviceProviderConfig() : resourceTypes(baseUrl));
}
