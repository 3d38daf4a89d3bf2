/** The user's conversations: search, filter by state, and the list, newest activity first. */
import {
  Badge,
  Button,
  Field,
  MessageBar,
  MessageBarBody,
  SearchBox,
  Select,
  Spinner,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { useNow, useTab } from './context';
import { StateAndWindow } from './Countdown';
import { THREAD_STATES, type ThreadState, type ThreadSummary } from './types';
import { lastMessagePreview } from './words';

export interface ListQuery {
  readonly state: ThreadState | undefined;
  readonly q: string;
}

const useStyles = makeStyles({
  filters: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr)',
    gap: tokens.spacingHorizontalS,
    padding: `0 ${tokens.spacingHorizontalM} ${tokens.spacingVerticalS}`,
    alignItems: 'end',
  },
  search: { minWidth: 0 },
  searchBox: { width: '100%', maxWidth: '100%', minWidth: 0 },
  list: { listStyle: 'none', margin: 0, padding: 0, overflowY: 'auto', flex: 1 },
  item: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'stretch',
    gap: tokens.spacingVerticalXXS,
    width: '100%',
    textAlign: 'start',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    border: 'none',
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    borderRadius: 0,
    backgroundColor: 'transparent',
    color: tokens.colorNeutralForeground1,
    cursor: 'pointer',
    fontFamily: 'inherit',
    fontSize: tokens.fontSizeBase300,
    // Backgrounds stay neutral (in high contrast a selected or hovered background is the
    // highlight colour, which the secondary texts would not stand out from); the bar marks it.
    ':hover': { backgroundColor: tokens.colorNeutralBackground1 },
    ':focus-visible': {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: '-2px',
    },
  },
  current: {
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: `inset 4px 0 0 ${tokens.colorBrandStroke1}`,
  },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, minWidth: 0 },
  name: {
    fontWeight: tokens.fontWeightSemibold,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  unreadName: { fontWeight: tokens.fontWeightBold },
  phone: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  grow: { flex: 1 },
  when: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  preview: {
    color: tokens.colorNeutralForeground2,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  meta: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  empty: { padding: tokens.spacingHorizontalM, color: tokens.colorNeutralForeground2 },
  more: { margin: tokens.spacingVerticalS },
});

export function ThreadList(props: {
  threads: ThreadSummary[] | null;
  error: string | null;
  query: ListQuery;
  onQuery: (q: ListQuery) => void;
  selected: string | null;
  onSelect: (id: string) => void;
  hasMore: boolean;
  onLoadMore: () => void;
}) {
  const { t } = useTab();
  const styles = useStyles();
  const { threads, query } = props;
  const filtered = query.state !== undefined || query.q.trim() !== '';
  return (
    <>
      <div className={styles.filters}>
        <Field className={styles.search} label={t.t('tab.list.search')}>
          <SearchBox
            className={styles.searchBox}
            value={query.q}
            onChange={(_e, d) => props.onQuery({ ...query, q: d.value })}
          />
        </Field>
        <Field label={t.t('tab.list.filter')}>
          <Select
            value={query.state ?? ''}
            onChange={(_e, d) =>
              props.onQuery({ ...query, state: (d.value || undefined) as ThreadState | undefined })
            }
          >
            <option value="">{t.t('tab.list.filter.all')}</option>
            {THREAD_STATES.map((s) => (
              <option key={s} value={s}>
                {t.t(`tab.state.${s}`)}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {props.error && (
        <MessageBar layout="multiline" intent="error">
          <MessageBarBody>{props.error}</MessageBarBody>
        </MessageBar>
      )}
      {threads === null ? (
        !props.error && <Spinner label={t.t('tab.loading')} />
      ) : threads.length === 0 ? (
        <p className={styles.empty}>{t.t(filtered ? 'tab.list.no_match' : 'tab.list.empty')}</p>
      ) : (
        <ul className={styles.list} aria-label={t.t('tab.list.label')}>
          {threads.map((thread) => (
            <li key={thread.id}>
              <ThreadItem
                thread={thread}
                current={thread.id === props.selected}
                onSelect={() => props.onSelect(thread.id)}
              />
            </li>
          ))}
          {props.hasMore && (
            <li>
              <Button className={styles.more} onClick={props.onLoadMore}>
                {t.t('tab.list.load_more')}
              </Button>
            </li>
          )}
        </ul>
      )}
    </>
  );
}

function ThreadItem(props: { thread: ThreadSummary; current: boolean; onSelect: () => void }) {
  const { t, me } = useTab();
  const styles = useStyles();
  const now = useNow(30_000);
  const { thread } = props;
  return (
    <button
      type="button"
      className={mergeClasses(styles.item, props.current && styles.current)}
      aria-current={props.current ? 'true' : undefined}
      onClick={props.onSelect}
      data-testid="thread-item"
      data-thread-id={thread.id}
    >
      <span className={styles.row}>
        <span className={mergeClasses(styles.name, thread.unread > 0 && styles.unreadName)}>
          {thread.contact.name}
        </span>
        <span className={styles.phone}>{thread.contact.phone}</span>
        <span className={styles.grow} />
        <time
          className={styles.when}
          dateTime={new Date(thread.lastActivityAt).toISOString()}
          title={t.t('tab.list.last_activity', { time: t.dateTime(thread.lastActivityAt) })}
        >
          {t.when(thread.lastActivityAt, now)}
        </time>
      </span>
      <span className={styles.row}>
        <span className={mergeClasses(styles.preview, styles.grow)} data-testid="last-message">
          {lastMessagePreview(t, thread, me.user.id)}
        </span>
        {thread.unread > 0 && (
          <Badge
            appearance="filled"
            color="brand"
            data-testid="unread"
            aria-label={t.t('tab.list.unread', { count: thread.unread })}
          >
            {t.number(thread.unread)}
          </Badge>
        )}
      </span>
      <span className={styles.meta}>
        <StateAndWindow thread={thread} />
      </span>
    </button>
  );
}
