// SCIM resources as Slack sends them (v1 and v2 share these fields; extension schemas ride along as
// extra keys such as `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`).

export type SCIMVersion = 'v1' | 'v2';

export interface SCIMMeta {
  created?: string;
  location?: string;
}

export interface SCIMEmail {
  value: string;
  primary?: boolean;
  type?: string;
}

export interface SCIMReference {
  value: string;
  display?: string;
}

export interface SCIMUserInput {
  userName: string;
  emails: SCIMEmail[];
  name?: { givenName?: string; familyName?: string };
  displayName?: string;
  nickName?: string;
  title?: string;
  externalId?: string;
  active?: boolean;
  [extension: string]: unknown;
}

export interface SCIMUser extends SCIMUserInput {
  schemas?: string[];
  id: string;
  meta?: SCIMMeta;
  profileUrl?: string;
  timezone?: string;
  photos?: { value: string; type?: string }[];
  groups?: SCIMReference[];
}

export interface SCIMGroupInput {
  displayName: string;
  members?: { value: string }[];
}

export interface SCIMGroup {
  schemas?: string[];
  id: string;
  meta?: SCIMMeta;
  displayName: string;
  members?: SCIMReference[];
}

export interface SCIMListResponse<T> {
  schemas?: string[];
  totalResults: number;
  itemsPerPage: number;
  startIndex: number;
  Resources: T[];
}

/** One feature of `ServiceProviderConfigs`: whether the service supports it. */
export interface SCIMFeature {
  supported: boolean;
}

/** `GET ServiceProviderConfigs` (v1 and v2): what the SCIM service supports. */
export interface SCIMServiceProviderConfig {
  authenticationSchemes: { type: string; name: string; description: string; specUrl?: string; primary?: boolean }[];
  patch: SCIMFeature;
  bulk: SCIMFeature & { maxOperations?: number; maxPayloadSize?: number };
  filter: SCIMFeature & { maxResults?: number };
  changePassword: SCIMFeature;
  sort: SCIMFeature;
  etag: SCIMFeature;
  xmlDataFormat?: SCIMFeature;
}

/** One entry of `GET ResourceTypes` (v2). */
export interface SCIMResourceType {
  schemas?: string[];
  id?: string;
  name: string;
  endpoint: string;
  description?: string;
  schema: string;
  meta?: { location?: string; resourceType?: string };
  schemaExtensions?: { schema: string; required: boolean }[];
}
