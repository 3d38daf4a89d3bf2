/**
 * Start-up: find out where the tab runs (inside Teams, or a plain browser against a local
 * development server), load the user's language, follow the theme, and sign in. Inside Teams the
 * API gets the SSO token; in local development the developer picks the user to act as
 * (X-Local-User); anywhere else the page says to open it in Teams.
 *
 * Query parameters for development and the browser tests, which have no Teams host:
 * `?theme=default|dark|contrast` and `?locale=fr`; `window.__setTeamsTheme(theme)` plays a
 * theme change from Teams.
 */
import {
  Button,
  Field,
  FluentProvider,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  makeStyles,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  tokens,
  type Theme,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { App } from './App';
import { localUsers, TabApi, type Credentials } from './api';
import { Ctx, type TabContext } from './context';
import { loadTranslator, type Translator } from './i18n';
import { asTheme, connectToTeams, type TeamsHost, type TeamsTheme } from './teams';
import type { UserRef } from './types';
import { errorText } from './words';

declare global {
  interface Window {
    __setTeamsTheme?: (theme: string) => void;
  }
}

const THEMES: Record<TeamsTheme, Theme> = {
  default: teamsLightTheme,
  dark: teamsDarkTheme,
  contrast: teamsHighContrastTheme,
};

const LOCAL_USER_KEY = 'wa4t.localUser';

const useStyles = makeStyles({
  provider: {
    height: '100vh',
    display: 'flex',
    flexDirection: 'column',
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
  center: { margin: 'auto', padding: tokens.spacingHorizontalXXL, maxWidth: '40rem' },
  local: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'end',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  localBar: { flexBasis: '100%' },
});

type Boot =
  | { readonly step: 'starting' }
  | { readonly step: 'outside'; readonly t: Translator }
  | {
      readonly step: 'ready';
      readonly t: Translator;
      readonly host: TeamsHost | null;
      readonly local: (UserRef & { tenantId: string })[] | null;
    };

function query(name: string): string | null {
  return new URLSearchParams(window.location.search).get(name);
}

export function Shell() {
  const styles = useStyles();
  const [boot, setBoot] = useState<Boot>({ step: 'starting' });
  const forcedTheme = query('theme');
  const [theme, setTheme] = useState<TeamsTheme>(asTheme(forcedTheme));

  useEffect(() => {
    window.__setTeamsTheme = (value) => setTheme(asTheme(value));
    let cancelled = false;
    void (async () => {
      const host = await connectToTeams();
      const locale = query('locale') ?? host?.locale ?? navigator.language;
      const t = await loadTranslator(locale);
      document.documentElement.lang = t.locale;
      if (host) {
        if (!forcedTheme) setTheme(host.theme);
        host.onThemeChange(setTheme);
        if (!cancelled) setBoot({ step: 'ready', t, host, local: null });
        return;
      }
      const users = await localUsers();
      if (cancelled) return;
      setBoot(users ? { step: 'ready', t, host: null, local: users } : { step: 'outside', t });
    })();
    return () => {
      cancelled = true;
    };
  }, [forcedTheme]);

  let body;
  if (boot.step === 'starting') {
    body = <Spinner className={styles.center} />;
  } else if (boot.step === 'outside') {
    body = (
      <MessageBar className={styles.center} intent="info" layout="multiline">
        <MessageBarBody>{boot.t.t('tab.outside_teams')}</MessageBarBody>
      </MessageBar>
    );
  } else if (boot.host) {
    const host = boot.host;
    body = <SignedIn t={boot.t} credentials={{ kind: 'teams', token: () => host.token() }} />;
  } else {
    body = <LocalDevelopment t={boot.t} users={boot.local ?? []} />;
  }
  return (
    <FluentProvider theme={THEMES[theme]} className={styles.provider} data-theme={theme}>
      {body}
    </FluentProvider>
  );
}

/** Local development: say so, and let the developer pick who to act as. */
function LocalDevelopment(props: {
  t: Translator;
  users: readonly (UserRef & { tenantId: string })[];
}) {
  const { t, users } = props;
  const styles = useStyles();
  const stored = localStorage.getItem(LOCAL_USER_KEY);
  const [userId, setUserId] = useState<string | null>(
    stored ?? query('user') ?? users[0]?.id ?? null,
  );
  const [typed, setTyped] = useState('');
  const choose = useCallback((id: string) => {
    localStorage.setItem(LOCAL_USER_KEY, id);
    setUserId(id);
  }, []);
  const credentials = useMemo<Credentials | null>(
    () => (userId ? { kind: 'local', userId } : null),
    [userId],
  );
  const known = users.some((u) => u.id === userId);
  return (
    <>
      <div className={styles.local} role="region" aria-label={t.t('tab.local.region')}>
        <MessageBar className={styles.localBar} intent="warning" layout="multiline">
          <MessageBarBody>{t.t('tab.local.banner')}</MessageBarBody>
        </MessageBar>
        {users.length > 0 ? (
          <Field label={t.t('tab.local.user_label')}>
            <Select
              value={known ? (userId ?? '') : ''}
              onChange={(_e, data) => data.value && choose(data.value)}
            >
              {!known && <option value="">{userId ?? ''}</option>}
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </Select>
          </Field>
        ) : (
          <span>{t.t('tab.local.no_users')}</span>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (typed.trim()) choose(typed.trim());
          }}
        >
          <Field label={t.t('tab.local.other_user')}>
            <Input value={typed} onChange={(_e, d) => setTyped(d.value)} />
          </Field>
        </form>
        <Button onClick={() => typed.trim() && choose(typed.trim())}>{t.t('tab.local.use')}</Button>
      </div>
      {credentials && <SignedIn key={userId} t={t} credentials={credentials} />}
    </>
  );
}

/** Reads GET /me (the user, and the server's clock), then shows the tab. */
function SignedIn(props: { t: Translator; credentials: Credentials }) {
  const { t, credentials } = props;
  const styles = useStyles();
  const api = useMemo(() => new TabApi(credentials), [credentials]);
  const [ctx, setCtx] = useState<TabContext | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    api.me().then(
      (me) => {
        if (cancelled) return;
        let offset = me.now - Date.now();
        const now = () => Date.now() + offset;
        setCtx({
          api,
          t,
          me,
          now,
          resync: async () => {
            const fresh = await api.me();
            offset = fresh.now - Date.now();
          },
        });
      },
      (e: unknown) => !cancelled && setError(errorText(t, e)),
    );
    return () => {
      cancelled = true;
    };
  }, [api, t]);

  if (error) {
    return (
      <MessageBar className={styles.center} intent="error" layout="multiline">
        <MessageBarBody>{error}</MessageBarBody>
      </MessageBar>
    );
  }
  if (!ctx) return <Spinner className={styles.center} label={t.t('tab.loading')} />;
  return (
    <Ctx.Provider value={ctx}>
      <App />
    </Ctx.Provider>
  );
}
