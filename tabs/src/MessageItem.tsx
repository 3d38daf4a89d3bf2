/** One message in the history: author, body or picture, status mark, failure reason, Info. */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Link,
  Spinner,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import {
  CheckmarkRegular,
  ClockRegular,
  ErrorCircleRegular,
  InfoRegular,
} from '@fluentui/react-icons';
import { useEffect, useState, type ReactElement } from 'react';
import { useTab } from './context';
import {
  MESSAGE_STATUSES,
  type MessageStatus,
  type MessageView,
  type ThreadSummary,
} from './types';
import { authorName, errorText, messageBody, reasonText } from './words';

const useStyles = makeStyles({
  item: {
    display: 'flex',
    flexDirection: 'column',
    maxWidth: '75%',
    gap: tokens.spacingVerticalXXS,
  },
  inbound: { alignSelf: 'flex-start' },
  outbound: { alignSelf: 'flex-end', alignItems: 'flex-end' },
  end: { textAlign: 'end' },
  notice: {
    alignSelf: 'center',
    maxWidth: '90%',
    textAlign: 'center',
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    fontStyle: 'italic',
  },
  author: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  bubble: {
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground3,
    color: tokens.colorNeutralForeground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  mine: {
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorNeutralForeground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke2}`,
  },
  picture: {
    display: 'block',
    maxWidth: '100%',
    maxHeight: '18rem',
    borderRadius: tokens.borderRadiusMedium,
    marginBottom: tokens.spacingVerticalXS,
  },
  meta: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground2,
  },
  failed: { color: tokens.colorPaletteRedForeground1 },
  failure: { color: tokens.colorPaletteRedForeground1, fontSize: tokens.fontSizeBase200 },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1, fontSize: tokens.fontSizeBase200 },
  table: {
    borderCollapse: 'collapse',
    '& th, & td': { textAlign: 'start', padding: '4px 12px 4px 0' },
  },
});

const STATUS_ICON: Record<MessageStatus, ReactElement> = {
  pending: <ClockRegular aria-hidden />,
  sent: <CheckmarkRegular aria-hidden />,
  delivered: (
    <span aria-hidden>
      <CheckmarkRegular />
      <CheckmarkRegular style={{ marginLeft: '-0.6em' }} />
    </span>
  ),
  read: (
    <span aria-hidden style={{ color: tokens.colorBrandForeground1 }}>
      <CheckmarkRegular />
      <CheckmarkRegular style={{ marginLeft: '-0.6em' }} />
    </span>
  ),
  failed: <ErrorCircleRegular aria-hidden />,
  received: <CheckmarkRegular aria-hidden />,
};

export function MessageItem(props: { message: MessageView; thread: ThreadSummary }) {
  const { t, me, now } = useTab();
  const styles = useStyles();
  const { message, thread } = props;
  const [info, setInfo] = useState(false);
  const body = messageBody(t, message, thread);

  if (message.kind === 'notice' || message.kind === 'system') {
    return (
      <li className={styles.notice} data-testid="notice" data-message-id={message.id}>
        {body}
      </li>
    );
  }

  const outbound = message.direction === 'outbound';
  const mine = outbound && message.author?.id === me.user.id;
  const author = authorName(t, message, thread, me.user.id);
  const picture = message.media && message.media.mimeType.startsWith('image/');
  return (
    <li
      className={mergeClasses(styles.item, outbound ? styles.outbound : styles.inbound)}
      data-testid="message"
      data-message-id={message.id}
      data-status={message.status}
    >
      <span className={styles.author}>{author}</span>
      <div className={mergeClasses(styles.bubble, mine && styles.mine)}>
        {picture && message.media && (
          <img
            className={styles.picture}
            src={message.media.url}
            alt={t.t('tab.message.picture_alt', { author })}
            loading="lazy"
          />
        )}
        {message.media && !picture && (
          <Link href={message.media.url} target="_blank" rel="noreferrer">
            {t.t('tab.message.document', {
              name: message.media.fileName ?? message.media.mimeType,
            })}
          </Link>
        )}
        {(!message.media || message.text) && (picture ? message.text : body)}
      </div>
      <span className={styles.meta}>
        <time dateTime={new Date(message.createdAt).toISOString()}>
          {t.when(message.createdAt, now())}
        </time>
        {outbound && (
          <span
            className={mergeClasses(styles.meta, message.status === 'failed' && styles.failed)}
            data-testid="status"
          >
            {STATUS_ICON[message.status]}
            {t.t(`tab.status.${message.status}`)}
          </span>
        )}
        <Button
          size="small"
          appearance="subtle"
          icon={<InfoRegular />}
          onClick={() => setInfo(true)}
          aria-label={t.t('tab.message.info_label', { author })}
        >
          {t.t('tab.message.info')}
        </Button>
      </span>
      {message.failure && (
        <span
          className={mergeClasses(styles.failure, outbound && styles.end)}
          data-testid="failure"
        >
          {reasonText(t, message.failure.reasonKey)}
        </span>
      )}
      {message.possiblyDuplicate && (
        <span className={mergeClasses(styles.warning, outbound && styles.end)}>
          {t.t('tab.message.possibly_duplicate', { contact: thread.contact.name })}
        </span>
      )}
      {info && <InfoDialog messageId={message.id} onClose={() => setInfo(false)} />}
    </li>
  );
}

function InfoDialog(props: { messageId: string; onClose: () => void }) {
  const { api, t } = useTab();
  const styles = useStyles();
  const [message, setMessage] = useState<MessageView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api.info(props.messageId).then(
      (res) => !cancelled && setMessage(res.message),
      (e: unknown) => !cancelled && setError(errorText(t, e)),
    );
    return () => {
      cancelled = true;
    };
  }, [api, t, props.messageId]);
  const rows = message
    ? MESSAGE_STATUSES.filter((s) => message.statusTimes[s] !== undefined).map((s) => ({
        status: s,
        time: message.statusTimes[s] as number,
      }))
    : [];
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && props.onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t.t('tab.info.title')}</DialogTitle>
          <DialogContent>
            {error ? (
              error
            ) : !message ? (
              <Spinner label={t.t('tab.loading')} />
            ) : rows.length === 0 ? (
              t.t('tab.info.none')
            ) : (
              <table className={styles.table} data-testid="info-table">
                <thead>
                  <tr>
                    <th scope="col">{t.t('tab.info.status')}</th>
                    <th scope="col">{t.t('tab.info.time')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.status}>
                      <td>{t.t(`tab.status.${r.status}`)}</td>
                      <td>{t.dateTime(r.time)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {message?.failure && <p>{reasonText(t, message.failure.reasonKey)}</p>}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={props.onClose}>
              {t.t('tab.info.close')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
