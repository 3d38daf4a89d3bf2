/**
 * The Teams host, through @microsoft/teams-js v2: initialise (outside Teams the promise never
 * settles, so it races a timeout), read the context (locale, theme, user), follow theme changes,
 * and get the SSO token for the tab's API.
 */
import { app, authentication } from '@microsoft/teams-js';

export type TeamsTheme = 'default' | 'dark' | 'contrast';

export interface TeamsHost {
  readonly locale: string;
  readonly theme: TeamsTheme;
  readonly userId: string | undefined;
  readonly userName: string | undefined;
  onThemeChange(handler: (theme: TeamsTheme) => void): void;
  token(): Promise<string>;
}

export function asTheme(value: string | null | undefined): TeamsTheme {
  return value === 'dark' || value === 'contrast' ? value : 'default';
}

function timeout(ms: number): Promise<never> {
  return new Promise((_resolve, reject) => setTimeout(() => reject(new Error('not in Teams')), ms));
}

/** Resolves with the host when the page runs inside Teams, or null in a plain browser. */
export async function connectToTeams(): Promise<TeamsHost | null> {
  // Teams frames the tab (web, desktop) or hosts it in a webview with a native bridge (mobile);
  // a top-level page without the bridge is a plain browser: do not wait long for it.
  const framed = window.parent !== window;
  const native = 'nativeInterface' in window;
  const wait = framed || native ? 8000 : 1500;
  try {
    await Promise.race([app.initialize(), timeout(wait)]);
    const context = await Promise.race([app.getContext(), timeout(wait)]);
    app.notifySuccess();
    return {
      locale: context.app.locale,
      theme: asTheme(context.app.theme),
      userId: context.user?.id,
      userName: context.user?.displayName ?? context.user?.userPrincipalName,
      onThemeChange(handler) {
        app.registerOnThemeChangeHandler((theme) => handler(asTheme(theme)));
      },
      // teams-js caches the token and renews it before it expires.
      token: () => authentication.getAuthToken(),
    };
  } catch {
    return null;
  }
}
