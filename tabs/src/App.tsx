/**
 * The tab: the list of the user's conversations beside the open one. Live updates arrive as
 * change events; the list and the open conversation refetch what changed.
 */
import {
  Button,
  MessageBar,
  MessageBarBody,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Conversation } from './Conversation';
import { useTab } from './context';
import { openEventStream, type ChangeEvent } from './events';
import { NewConversationDialog } from './NewConversation';
import { ThreadList, type ListQuery } from './ThreadList';
import type { ThreadSummary } from './types';
import { errorText } from './words';

const useStyles = makeStyles({
  app: { flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
  },
  title: {
    margin: 0,
    flex: 1,
    fontSize: tokens.fontSizeBase500,
    fontWeight: tokens.fontWeightSemibold,
  },
  panes: { flex: 1, minHeight: 0, display: 'flex' },
  listPane: {
    width: '26rem',
    flexShrink: 0,
    display: 'flex',
    flexDirection: 'column',
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    '@media (max-width: 760px)': { width: '100%', borderRight: 'none' },
  },
  conversationPane: {
    flex: 1,
    minWidth: 0,
    display: 'flex',
    flexDirection: 'column',
    backgroundColor: tokens.colorNeutralBackground1,
  },
  hiddenNarrow: { '@media (max-width: 760px)': { display: 'none' } },
  status: { padding: `0 ${tokens.spacingHorizontalM}` },
});

export function App() {
  const styles = useStyles();
  const { api, t, resync } = useTab();
  const [query, setQuery] = useState<ListQuery>({ state: undefined, q: '' });
  const [threads, setThreads] = useState<ThreadSummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [newOpen, setNewOpen] = useState(false);
  const [live, setLive] = useState(true);
  /** Bumped by each change to the open conversation: it refetches. */
  const [openVersion, setOpenVersion] = useState(0);
  const pages = useRef(1);
  const queryRef = useRef(query);
  queryRef.current = query;

  /** Reloads the list as far as the user had paged it. */
  const reload = useCallback(async () => {
    const q = queryRef.current;
    try {
      let all: ThreadSummary[] = [];
      let cursor: string | undefined;
      let next: string | null = null;
      for (let page = 0; page < pages.current; page++) {
        const res = await api.threads({ state: q.state, q: q.q.trim() || undefined, cursor });
        all = all.concat(res.threads);
        next = res.nextCursor;
        if (!next) break;
        cursor = next;
      }
      if (queryRef.current !== q) return;
      setThreads(all);
      setNextCursor(next);
      setListError(null);
    } catch (e) {
      setListError(errorText(t, e));
    }
  }, [api, t]);

  useEffect(() => {
    pages.current = 1;
    const timer = setTimeout(() => void reload(), query.q ? 250 : 0);
    return () => clearTimeout(timer);
  }, [query, reload]);

  const loadMore = useCallback(async () => {
    if (!nextCursor) return;
    const q = queryRef.current;
    try {
      const res = await api.threads({
        state: q.state,
        q: q.q.trim() || undefined,
        cursor: nextCursor,
      });
      pages.current += 1;
      setThreads((prev) => [...(prev ?? []), ...res.threads]);
      setNextCursor(res.nextCursor);
    } catch (e) {
      setListError(errorText(t, e));
    }
  }, [api, nextCursor, t]);

  // Live updates: refetch the list (coalesced) and the open conversation when it changed.
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        void resync().catch(() => undefined);
        void reload();
      }, 100);
    };
    const stop = openEventStream({
      url: api.eventsUrl(),
      headers: () => api.headers(),
      onChange: (change: ChangeEvent) => {
        schedule();
        if (change.threadId === selectedRef.current) setOpenVersion((v) => v + 1);
      },
      onOpen: (reconnected) => {
        if (!reconnected) return;
        schedule();
        setOpenVersion((v) => v + 1);
      },
      onStatus: setLive,
    });
    return () => {
      stop();
      if (pending) clearTimeout(pending);
    };
  }, [api, reload, resync]);

  const onThreadChanged = useCallback(
    (thread: ThreadSummary) => {
      if (thread.id !== selectedRef.current) setSelected(thread.id);
      void reload();
    },
    [reload],
  );

  return (
    <div className={styles.app}>
      <header className={styles.header}>
        <h1 className={styles.title}>{t.t('tab.title')}</h1>
        <Button appearance="primary" onClick={() => setNewOpen(true)}>
          {t.t('tab.action.new')}
        </Button>
      </header>
      {!live && (
        <MessageBar layout="multiline" intent="warning" className={styles.status}>
          <MessageBarBody>{t.t('tab.live.reconnecting')}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.panes}>
        <nav
          className={mergeClasses(styles.listPane, selected ? styles.hiddenNarrow : undefined)}
          aria-label={t.t('tab.list.label')}
        >
          <ThreadList
            threads={threads}
            error={listError}
            query={query}
            onQuery={setQuery}
            selected={selected}
            onSelect={setSelected}
            hasMore={nextCursor !== null}
            onLoadMore={() => void loadMore()}
          />
        </nav>
        <main
          className={mergeClasses(
            styles.conversationPane,
            selected ? undefined : styles.hiddenNarrow,
          )}
        >
          <Conversation
            threadId={selected}
            version={openVersion}
            onBack={() => setSelected(null)}
            onThreadChanged={onThreadChanged}
            onRead={() => void reload()}
          />
        </main>
      </div>
      <NewConversationDialog
        open={newOpen}
        onClose={() => setNewOpen(false)}
        onStarted={(thread) => {
          setNewOpen(false);
          onThreadChanged(thread);
        }}
      />
    </div>
  );
}
