// The benches' workspaces: team ids and one bot installation per workspace (obvious canary tokens).
import type { NewInstallation } from '../../src/oauth/from-oauth.js';

export const team = (i: number): string => `T${String(i).padStart(9, '0')}`;

/** Workspace `i`'s bot installation; `bot` overrides its credentials (a rotating token, its expiry). */
export function benchInstallation(i: number, bot: Partial<NonNullable<NewInstallation['bot']>> = {}): NewInstallation {
  return {
    appId: 'A0BENCH',
    enterpriseId: null,
    enterpriseName: undefined,
    enterpriseUrl: undefined,
    teamId: team(i),
    teamName: `Workspace ${i}`,
    isEnterpriseInstall: false,
    tokenType: 'bot',
    bot: {
      token: `xoxb-bench-${i}`,
      id: `B${i}`,
      userId: `U${i}`,
      scopes: ['chat:write'],
      refreshToken: undefined,
      expiresAt: undefined,
      ...bot,
    },
    user: { id: `U9${i}`, token: undefined, scopes: [], refreshToken: undefined, expiresAt: undefined },
    incomingWebhook: undefined,
  };
}
