// Compile-only checks of the SCIM door's types (not run: the name does not end in .test.ts).
import { filter, SCIMClient } from '../../src/scim/index.js';

export async function scimTypes(scim: SCIMClient): Promise<void> {
  // @ts-expect-error SCIM has versions v1 and v2 only
  new SCIMClient('t', { version: 'v3' });
  // @ts-expect-error the client builds its own limiter from rateLimits
  new SCIMClient('t', { limiter: undefined });
  // @ts-expect-error a user needs emails
  await scim.users.create({ userName: 'x' });
  // @ts-expect-error a filter value is a string, number, boolean or null
  filter.eq('userName', { toString: () => 'x' });
  // @ts-expect-error groups.patch takes user ids to add and remove, not resources
  await scim.groups.patch('S1', { add: [{ value: 'U1' }] });
  const user = await scim.users.read('U1');
  const userName: string = user.userName;
  const active: boolean | undefined = user.active;
  for await (const group of scim.groups.all({ filter: filter.sw('displayName', 'Ops') })) {
    const name: string = group.displayName;
    void name;
  }
  void userName;
  void active;
}
