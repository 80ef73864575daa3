// Turns an API request body into arguments, the way Slack reads them: form, JSON or multipart, with the
// query string underneath.

import { isObject, tryParseJson } from '../model/json.js';
import { fail } from './failure.js';
import { boundaryOf, collectFields, MultipartError } from './multipart.js';

export interface ParsedArgs {
  fields: Record<string, unknown>;
  /** True when the body was JSON: Slack reads the token only from the Authorization header then. */
  json: boolean;
}

function formFields(text: string, into: Record<string, unknown>): void {
  for (const [key, value] of new URLSearchParams(text)) into[key] = value;
}

/** Throws ApiFailure (invalid_json, invalid_form_data, invalid_post_type...) for bodies Slack would refuse. */
export function parseArgs(query: string, contentType: string | undefined, body: Buffer): ParsedArgs {
  const fields: Record<string, unknown> = {};
  if (query !== '') formFields(query, fields);
  if (body.length === 0) return { fields, json: false };
  if (contentType === undefined || contentType === '') throw fail('missing_post_type');
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  const charset = /;\s*charset=([^\s;]+)/i.exec(contentType)?.[1]?.toLowerCase().replace(/"/g, '');
  if (charset !== undefined && !['utf-8', 'utf8', 'iso-8859-1', 'us-ascii'].includes(charset)) {
    throw fail('invalid_charset');
  }
  switch (type) {
    case 'application/x-www-form-urlencoded':
    case 'text/plain':
      formFields(body.toString('utf8'), fields);
      return { fields, json: false };
    case 'application/json': {
      const parsed = tryParseJson(body.toString('utf8'));
      if (!isObject(parsed)) throw fail('invalid_json');
      Object.assign(fields, parsed);
      return { fields, json: true };
    }
    case 'multipart/form-data': {
      const boundary = boundaryOf(contentType);
      if (boundary === undefined) throw fail('invalid_form_data');
      try {
        Object.assign(fields, collectFields(body, boundary));
      } catch (error) {
        if (error instanceof MultipartError) throw fail('invalid_form_data');
        throw error;
      }
      return { fields, json: false };
    }
    default:
      throw fail('invalid_post_type');
  }
}
