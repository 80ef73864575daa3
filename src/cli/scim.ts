// `slackline scim users|groups list|get|create|deactivate|delete ...`: Slack's SCIM API from the shell.
// The org admin token comes from the environment only (SLACK_ADMIN_TOKEN, or the variable --token-env
// names), never from the command line, where it would land in shell history and process listings.
import { parseArgs } from 'node:util';
import { SlacklineError } from '../http/errors.js';
import { and, eq, type SCIMFilter } from '../scim/filter.js';
import { DEFAULT_SCIM_URL, SCIMClient, SCIMError } from '../scim/index.js';
import { didYouMean, parseArgsMessage } from './suggest.js';

const HELP = `usage: slackline scim users list [--filter EXPR | --user-name NAME | --email ADDRESS] [--count N] [--max N]
       slackline scim users get <id>
       slackline scim users create --user-name NAME --email ADDRESS [--given-name G] [--family-name F] [--title T]
       slackline scim users deactivate <id>
       slackline scim groups list [--filter EXPR | --name NAME] [--count N] [--max N]
       slackline scim groups get <id>
       slackline scim groups create --name NAME [--member <user id>]...
       slackline scim groups delete <id>
  common: [--token-env NAME] [--scim-url URL] [--scim-version v1|v2]

  --token-env NAME     the environment variable holding an org admin token with the admin scope
                       (default SLACK_ADMIN_TOKEN)
  --scim-url URL       where v1/ and v2/ live (default $SLACK_SCIM_URL or ${DEFAULT_SCIM_URL};
                       the emulator prints its scimUrl)
  --scim-version V     v2 (default) or v1
  --user-name, --email, --name build an exact-match filter whose value cannot change the filter;
  --filter takes a SCIM filter you write (e.g. 'title co "Engineer"').
Lists print one JSON resource a line; get and create print the resource. Exits 1 when Slack answers an
error (its code and status go to stderr), 2 on a bad command line.
`;

const ACTIONS: Record<string, readonly string[]> = {
  users: ['list', 'get', 'create', 'deactivate'],
  groups: ['list', 'get', 'create', 'delete'],
};

class UsageError extends Error {}

export async function scimCommand(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    const parseMessage = parseArgsMessage(err, 'scim');
    if (!(err instanceof UsageError) && parseMessage === undefined) throw err;
    process.stderr.write(`slackline scim: ${parseMessage ?? (err as Error).message}\n`);
    return 2;
  }
}

function integer(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value) || Number(value) < min)
    throw new UsageError(`--${name} takes a whole number of at least ${min}`);
  return Number(value);
}

function scimUrl(flag: string | undefined): string | undefined {
  const raw = flag ?? (process.env.SLACK_SCIM_URL || undefined);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new UsageError(`${flag === undefined ? 'SLACK_SCIM_URL' : '--scim-url'} must be an http(s) URL`);
  }
  return raw;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      filter: { type: 'string' },
      'user-name': { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      'given-name': { type: 'string' },
      'family-name': { type: 'string' },
      title: { type: 'string' },
      member: { type: 'string', multiple: true },
      count: { type: 'string' },
      max: { type: 'string' },
      'token-env': { type: 'string' },
      'scim-url': { type: 'string' },
      'scim-version': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [resource, action, id, ...rest] = positionals;
  if (values.help || resource === undefined) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  const actions = Object.hasOwn(ACTIONS, resource) ? ACTIONS[resource] : undefined;
  if (actions === undefined)
    throw new UsageError(`expected users or groups${didYouMean(resource, Object.keys(ACTIONS))}`);
  if (action === undefined || !actions.includes(action)) {
    throw new UsageError(
      `${resource} takes ${actions.join('|')}${action === undefined ? '' : didYouMean(action, actions)}`,
    );
  }
  if (rest.length > 0) throw new UsageError('too many arguments');
  const needsId = action === 'get' || action === 'deactivate' || action === 'delete';
  if (needsId !== (id !== undefined))
    throw new UsageError(needsId ? `${resource} ${action} takes an id` : `${resource} ${action} takes no id`);
  const version = values['scim-version'] ?? 'v2';
  if (version !== 'v1' && version !== 'v2') throw new UsageError('--scim-version is v1 or v2');
  const baseUrl = scimUrl(values['scim-url']);
  const count = integer(values.count, 'count', 1);
  const max = integer(values.max, 'max', 1);
  const tokenEnv = values['token-env'] ?? 'SLACK_ADMIN_TOKEN';
  const token = process.env[tokenEnv] || undefined;
  if (token === undefined) {
    throw new UsageError(
      `no token: set ${tokenEnv} to an org admin token with the admin scope${values['token-env'] === undefined ? ' (or name another variable with --token-env)' : ''}`,
    );
  }
  const scim = new SCIMClient(token, { version, ...(baseUrl === undefined ? {} : { baseUrl }) });
  const print = (value: unknown, pretty: boolean) =>
    process.stdout.write(`${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`);
  try {
    if (resource === 'users') {
      if (action === 'list') {
        const exact: SCIMFilter[] = [];
        if (values['user-name'] !== undefined) exact.push(eq('userName', values['user-name']));
        if (values.email !== undefined) exact.push(eq('emails.value', values.email));
        if (exact.length > 0 && values.filter !== undefined)
          throw new UsageError('give --filter or --user-name/--email, not both');
        const filter = exact.length > 0 ? and(...exact) : values.filter;
        let n = 0;
        for await (const user of scim.users.all({ filter, count })) {
          if (max !== undefined && n >= max) break;
          print(user, false);
          n++;
        }
      } else if (action === 'get') print(await scim.users.read(id ?? ''), true);
      else if (action === 'create') {
        const userName = values['user-name'];
        const email = values.email;
        if (userName === undefined || email === undefined)
          throw new UsageError('users create needs --user-name and --email');
        const name =
          values['given-name'] === undefined && values['family-name'] === undefined
            ? undefined
            : { givenName: values['given-name'], familyName: values['family-name'] };
        print(
          await scim.users.create({
            userName,
            emails: [{ value: email, primary: true }],
            ...(name === undefined ? {} : { name }),
            ...(values.title === undefined ? {} : { title: values.title }),
          }),
          true,
        );
      } else {
        await scim.users.deactivate(id ?? '');
        process.stderr.write(`deactivated ${id}\n`);
      }
    } else if (action === 'list') {
      if (values.name !== undefined && values.filter !== undefined)
        throw new UsageError('give --filter or --name, not both');
      const filter = values.name !== undefined ? eq('displayName', values.name) : values.filter;
      let n = 0;
      for await (const group of scim.groups.all({ filter, count })) {
        if (max !== undefined && n >= max) break;
        print(group, false);
        n++;
      }
    } else if (action === 'get') print(await scim.groups.read(id ?? ''), true);
    else if (action === 'create') {
      if (values.name === undefined) throw new UsageError('groups create needs --name');
      const members = (values.member ?? []).map((value) => ({ value }));
      print(await scim.groups.create({ displayName: values.name, members }), true);
    } else {
      await scim.groups.delete(id ?? '');
      process.stderr.write(`deleted ${id}\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof SCIMError) {
      process.stderr.write(
        `${err.error ?? 'scim_error'} (HTTP ${err.status})${err.detail && err.detail !== err.error ? `: ${err.detail}` : ''}\n`,
      );
      return 1;
    }
    if (err instanceof SlacklineError && err.code === 'slack_invalid_argument') throw new UsageError(err.message);
    if (err instanceof SlacklineError) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    scim.close();
  }
}
