/**
 * One conversation: its whole history (older pages on demand), who wrote each message, status
 * marks and Info, notices inline, pictures; the actions; and the compose box, or a read-only
 * note with Restart when the user left or the conversation is closed. Opening it marks it read.
 */
import {
  Button,
  MessageBar,
  MessageBarBody,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import {
  AlertRegular,
  ArrowLeftRegular,
  ArrowRepeatAllRegular,
  ArrowSwapRegular,
  DoorArrowLeftRegular,
  PersonAddRegular,
  PersonDeleteRegular,
} from '@fluentui/react-icons';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Compose } from './Compose';
import { useTab } from './context';
import { StateAndWindow } from './Countdown';
import { ConfirmDialog, PickUserDialog } from './Dialogs';
import { MessageItem } from './MessageItem';
import type { MessageView, ThreadSummary, UserRef } from './types';
import { errorText, noticeText } from './words';

const useStyles = makeStyles({
  empty: {
    margin: 'auto',
    color: tokens.colorNeutralForeground2,
    padding: tokens.spacingHorizontalXL,
  },
  header: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  titleRow: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    flexWrap: 'wrap',
  },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  sub: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  back: { '@media (min-width: 761px)': { display: 'none' } },
  toolbar: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
  log: { flex: 1, minHeight: 0, overflowY: 'auto' },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: tokens.spacingHorizontalM,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  earlier: { alignSelf: 'center' },
  readOnly: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: tokens.spacingHorizontalM,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  feedback: { margin: `0 ${tokens.spacingHorizontalM}` },
});

type Dialogs = 'add' | 'remove' | 'transfer' | 'leave' | 'restart' | null;

function merge(older: readonly MessageView[], newer: readonly MessageView[]): MessageView[] {
  const byId = new Map<string, MessageView>();
  for (const m of older) byId.set(m.id, m);
  for (const m of newer) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

export function Conversation(props: {
  threadId: string | null;
  version: number;
  onBack: () => void;
  onThreadChanged: (thread: ThreadSummary) => void;
  onRead: () => void;
}) {
  const { api, t, me } = useTab();
  const styles = useStyles();
  const { threadId, version, onRead, onThreadChanged } = props;
  const [thread, setThread] = useState<ThreadSummary | null>(null);
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [prevCursor, setPrevCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<{ intent: 'success' | 'error'; text: string } | null>(
    null,
  );
  const [dialog, setDialog] = useState<Dialogs>(null);
  const [removing, setRemoving] = useState<UserRef | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const lastSeq = useRef<number>(-1);
  const loadedFor = useRef<string | null>(null);
  /** Whether the history is scrolled to its newest message: it stays there as pictures load. */
  const stick = useRef(true);
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const list = listRef.current;
    const log = logRef.current;
    if (!list || !log || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (stick.current) log.scrollTop = log.scrollHeight;
    });
    observer.observe(list);
    return () => observer.disconnect();
  });

  const fetchNewest = useCallback(async () => {
    if (!threadId) return;
    try {
      const res = await api.thread(threadId);
      const fresh = loadedFor.current !== threadId;
      loadedFor.current = threadId;
      setThread(res.thread);
      setMessages((prev) => (fresh ? res.messages : merge(prev, res.messages)));
      if (fresh) setPrevCursor(res.prevCursor);
      setError(null);
      const newest = res.messages.at(-1)?.seq ?? -1;
      if (fresh || newest > lastSeq.current || res.thread.unread > 0) {
        lastSeq.current = newest;
        if (res.thread.unread > 0 || fresh) {
          await api.markRead(threadId).catch(() => undefined);
          onRead();
        }
        stick.current = true;
        requestAnimationFrame(() => {
          const log = logRef.current;
          if (log) log.scrollTop = log.scrollHeight;
        });
      }
    } catch (e) {
      setError(errorText(t, e));
    }
  }, [api, t, threadId, onRead]);

  /** What an action said when it moved the user to another conversation (restart). */
  const carried = useRef<{ intent: 'success' | 'error'; text: string } | null>(null);
  useEffect(() => {
    loadedFor.current = null;
    lastSeq.current = -1;
    setThread(null);
    setMessages([]);
    setFeedback(carried.current);
    carried.current = null;
    setError(null);
  }, [threadId]);

  useEffect(() => {
    void fetchNewest();
  }, [fetchNewest, version]);

  const loadEarlier = async () => {
    if (!threadId || !prevCursor) return;
    try {
      const res = await api.thread(threadId, prevCursor);
      setMessages((prev) => merge(res.messages, prev));
      setPrevCursor(res.prevCursor);
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  /** Runs an action, says how it went, and refreshes the conversation and the list. */
  const act = async (run: () => Promise<{ thread?: ThreadSummary; words: string }>) => {
    setDialog(null);
    setRemoving(null);
    try {
      const { thread: changed, words } = await run();
      setFeedback({ intent: 'success', text: words });
      if (changed && changed.id !== threadId) carried.current = { intent: 'success', text: words };
      if (changed) {
        if (changed.id === threadId) setThread(changed);
        onThreadChanged(changed);
      }
      void fetchNewest();
    } catch (e) {
      setFeedback({ intent: 'error', text: errorText(t, e) });
    }
  };

  const loadCandidates = useCallback(
    async () => (threadId ? (await api.candidates(threadId)).users : []),
    [api, threadId],
  );
  const loadOthers = useCallback(
    async () => thread?.participants.filter((p) => p.id !== me.user.id) ?? [],
    [thread, me.user.id],
  );

  if (!threadId) return <p className={styles.empty}>{t.t('tab.conversation.empty')}</p>;
  if (error && !thread) {
    return (
      <MessageBar layout="multiline" intent="error" className={styles.feedback}>
        <MessageBarBody>{error}</MessageBarBody>
      </MessageBar>
    );
  }
  if (!thread) return <Spinner className={styles.empty} label={t.t('tab.loading')} />;

  const contact = thread.contact.name;
  const open = thread.state !== 'closed' && thread.participating;
  const others = thread.participants.filter((p) => p.id !== me.user.id);
  const names = thread.participants.map((p) =>
    p.id === me.user.id ? t.t('tab.author.you') : p.name,
  );

  return (
    <>
      <header className={styles.header}>
        <div className={styles.titleRow}>
          <Button
            className={styles.back}
            icon={<ArrowLeftRegular />}
            aria-label={t.t('tab.conversation.back')}
            title={t.t('tab.conversation.back')}
            onClick={props.onBack}
          />
          <h2 className={styles.title}>{contact}</h2>
          <span className={styles.sub}>{thread.contact.phone}</span>
          <StateAndWindow thread={thread} />
        </div>
        <span className={styles.sub} data-testid="participants">
          {t.t('tab.conversation.with', { names: names.join(', ') })}
        </span>
        {thread.contact.aliases && thread.contact.aliases.length > 0 && (
          // keepboth (issue 10 item 4): the user's other names for the contact.
          <span className={styles.sub} data-testid="aliases">
            {t.t('keepboth.also_saved_as_list', { names: thread.contact.aliases.join(', ') })}
          </span>
        )}
        <div className={styles.toolbar} role="group" aria-label={t.t('tab.action.toolbar')}>
          {open && thread.canRemind && (
            <Button
              appearance="subtle"
              icon={<AlertRegular />}
              onClick={() =>
                void act(async () => {
                  const res = await api.remind(thread.id);
                  return { words: noticeText(t, res.notice) };
                })
              }
            >
              {t.t('tab.action.remind')}
            </Button>
          )}
          {open && (
            <Button
              appearance="subtle"
              icon={<PersonAddRegular />}
              onClick={() => setDialog('add')}
            >
              {t.t('tab.action.add')}
            </Button>
          )}
          {open && others.length > 0 && (
            <Button
              appearance="subtle"
              icon={<PersonDeleteRegular />}
              onClick={() => setDialog('remove')}
            >
              {t.t('tab.action.remove')}
            </Button>
          )}
          {open && (
            <Button
              appearance="subtle"
              icon={<ArrowSwapRegular />}
              onClick={() => setDialog('transfer')}
            >
              {t.t('tab.action.transfer')}
            </Button>
          )}
          {open && (
            <Button
              appearance="subtle"
              icon={<DoorArrowLeftRegular />}
              onClick={() => setDialog('leave')}
            >
              {t.t('tab.action.leave')}
            </Button>
          )}
          {thread.canRestart && (
            <Button
              appearance="subtle"
              icon={<ArrowRepeatAllRegular />}
              onClick={() => setDialog('restart')}
            >
              {t.t('tab.action.restart')}
            </Button>
          )}
        </div>
      </header>
      {feedback && (
        <MessageBar
          layout="multiline"
          intent={feedback.intent}
          className={styles.feedback}
          data-testid="feedback"
        >
          <MessageBarBody>{feedback.text}</MessageBarBody>
        </MessageBar>
      )}
      <div
        ref={logRef}
        className={styles.log}
        role="log"
        aria-label={t.t('tab.conversation.history', { contact })}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        <ol className={styles.list} ref={listRef}>
          {prevCursor && (
            <li className={styles.earlier}>
              <Button onClick={() => void loadEarlier()}>
                {t.t('tab.conversation.load_earlier')}
              </Button>
            </li>
          )}
          {messages.length === 0 && <li>{t.t('tab.conversation.no_messages')}</li>}
          {messages.map((m) => (
            <MessageItem key={m.id} message={m} thread={thread} />
          ))}
        </ol>
      </div>
      {open ? (
        <Compose
          thread={thread}
          onSent={(_result, words) => {
            setFeedback({ intent: 'success', text: words });
            void fetchNewest();
          }}
          onError={(words) => setFeedback({ intent: 'error', text: words })}
        />
      ) : (
        <div className={styles.readOnly} data-testid="read-only">
          <span>
            {t.t(
              thread.participating
                ? 'tab.conversation.read_only_closed'
                : 'tab.conversation.read_only_left',
            )}
          </span>
          {thread.canRestart && (
            <Button appearance="primary" onClick={() => setDialog('restart')}>
              {t.t('tab.action.restart')}
            </Button>
          )}
        </div>
      )}

      <PickUserDialog
        open={dialog === 'add'}
        title={t.t('tab.dialog.add.title', { contact })}
        confirm={t.t('tab.action.add')}
        empty={t.t('tab.dialog.candidates.empty')}
        load={loadCandidates}
        onPick={(user) =>
          void act(async () => ({
            thread: (await api.addParticipant(thread.id, user.id)).thread,
            words: t.t('tab.done.added', { name: user.name, contact }),
          }))
        }
        onCancel={() => setDialog(null)}
      />
      <PickUserDialog
        open={dialog === 'transfer'}
        title={t.t('tab.dialog.transfer.title', { contact })}
        confirm={t.t('tab.action.transfer')}
        empty={t.t('tab.dialog.candidates.empty')}
        load={loadCandidates}
        onPick={(user) =>
          void act(async () => ({
            thread: (await api.transfer(thread.id, user.id)).thread,
            words: t.t('tab.done.transferred', { name: user.name, contact }),
          }))
        }
        onCancel={() => setDialog(null)}
      />
      <PickUserDialog
        open={dialog === 'remove'}
        title={t.t('tab.dialog.remove.pick', { contact })}
        confirm={t.t('tab.action.remove')}
        empty={t.t('tab.dialog.candidates.empty')}
        load={loadOthers}
        onPick={(user) => {
          setDialog(null);
          setRemoving(user);
        }}
        onCancel={() => setDialog(null)}
      />
      <ConfirmDialog
        open={removing !== null}
        title={t.t('tab.dialog.remove.title', { name: removing?.name ?? '' })}
        body={t.t('tab.dialog.remove.body', { name: removing?.name ?? '', contact })}
        confirm={t.t('tab.action.remove')}
        onConfirm={() => {
          const user = removing;
          if (!user) return;
          void act(async () => ({
            thread: (await api.removeParticipant(thread.id, user.id)).thread,
            words: t.t('tab.done.removed', { name: user.name, contact }),
          }));
        }}
        onCancel={() => setRemoving(null)}
      />
      <ConfirmDialog
        open={dialog === 'leave'}
        title={t.t('tab.dialog.leave.title', { contact })}
        body={t.t('tab.dialog.leave.body', { contact })}
        confirm={t.t('tab.action.leave')}
        onConfirm={() =>
          void act(async () => ({
            thread: (await api.leave(thread.id)).thread,
            words: t.t('tab.done.left', { contact }),
          }))
        }
        onCancel={() => setDialog(null)}
      />
      <ConfirmDialog
        open={dialog === 'restart'}
        title={t.t('tab.dialog.restart.title', { contact })}
        body={t.t('tab.dialog.restart.body', { contact })}
        confirm={t.t('tab.action.restart')}
        onConfirm={() =>
          void act(async () => ({
            thread: (await api.restart(thread.id)).thread,
            words: t.t('tab.done.restarted', { contact }),
          }))
        }
        onCancel={() => setDialog(null)}
      />
    </>
  );
}
