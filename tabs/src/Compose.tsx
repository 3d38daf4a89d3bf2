/**
 * The compose box: text up to WhatsApp's 4,096 characters (the count shows before sending),
 * and a JPEG or PNG picture of up to 5 MB by the picker, paste or drag and drop. After sending
 * it says what happened: sent, held as pending, or the conversation paused and resume requested.
 */
import {
  Button,
  Field,
  Textarea,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { AttachRegular, DismissRegular, SendRegular } from '@fluentui/react-icons';
import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useTab } from './context';
import type { SendResult, ThreadSummary } from './types';
import { errorText, noticeText } from './words';

export const MAX_TEXT = 4096;
export const MAX_PICTURE_BYTES = 5 * 1024 * 1024;
const PICTURE_TYPES = ['image/jpeg', 'image/png'];

const useStyles = makeStyles({
  compose: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalM,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  dragging: {
    outline: `${tokens.strokeWidthThick} dashed ${tokens.colorBrandStroke1}`,
    outlineOffset: '-4px',
  },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end' },
  text: { flex: 1 },
  counter: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground2 },
  over: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  picture: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  thumb: { maxHeight: '4rem', maxWidth: '6rem', borderRadius: tokens.borderRadiusMedium },
  hidden: { display: 'none' },
});

export function Compose(props: {
  thread: ThreadSummary;
  onSent: (result: SendResult, words: string) => void;
  onError: (words: string) => void;
}) {
  const { api, t } = useTab();
  const styles = useStyles();
  const [text, setText] = useState('');
  const [picture, setPicture] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const preview = useMemo(() => (picture ? URL.createObjectURL(picture) : null), [picture]);
  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  const length = [...text].length;
  const over = length - MAX_TEXT;
  const blank = text.trim() === '';
  const canSend = !busy && over <= 0 && (picture !== null || !blank);

  const takePicture = (file: File | undefined | null) => {
    if (!file) return;
    if (!PICTURE_TYPES.includes(file.type)) {
      setProblem(t.t('tab.compose.bad_type'));
      return;
    }
    if (file.size > MAX_PICTURE_BYTES) {
      setProblem(t.t('tab.compose.too_big'));
      return;
    }
    setProblem(null);
    setPicture(file);
  };

  const send = async () => {
    if (!canSend) return;
    setBusy(true);
    try {
      const result = picture
        ? await api.sendPicture(props.thread.id, picture, text.trim())
        : await api.send(props.thread.id, text);
      const words = result.notice
        ? noticeText(t, result.notice)
        : t.t(`tab.outcome.${result.outcome}`, { contact: props.thread.contact.name });
      setText('');
      setPicture(null);
      props.onSent(result, words);
    } catch (e) {
      props.onError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    takePicture(e.dataTransfer.files[0]);
  };

  return (
    <form
      className={mergeClasses(styles.compose, dragging && styles.dragging)}
      aria-label={t.t('tab.compose.region', { contact: props.thread.contact.name })}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {picture && preview && (
        <div className={styles.picture}>
          <img className={styles.thumb} src={preview} alt={picture.name} />
          <span>{t.t('tab.compose.picture_ready', { name: picture.name })}</span>
          <Button
            icon={<DismissRegular />}
            aria-label={t.t('tab.compose.remove_picture')}
            title={t.t('tab.compose.remove_picture')}
            onClick={() => setPicture(null)}
          />
        </div>
      )}
      <div className={styles.row}>
        <Field
          className={styles.text}
          label={t.t('tab.compose.label', { contact: props.thread.contact.name })}
          validationState={over > 0 || problem ? 'error' : 'none'}
          validationMessage={
            over > 0
              ? t.t('tab.compose.too_long', { max: t.number(MAX_TEXT), over: t.number(over) })
              : (problem ?? undefined)
          }
          hint={dragging ? t.t('tab.compose.drop') : undefined}
        >
          <Textarea
            value={text}
            resize="vertical"
            placeholder={t.t(picture ? 'tab.compose.caption' : 'tab.compose.placeholder')}
            onChange={(_e, d) => setText(d.value)}
            onPaste={(e) => {
              const file = [...e.clipboardData.files][0];
              if (file) {
                e.preventDefault();
                takePicture(file);
              }
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                void send();
              }
            }}
          />
        </Field>
        <input
          ref={fileInput}
          className={styles.hidden}
          type="file"
          accept={PICTURE_TYPES.join(',')}
          tabIndex={-1}
          aria-hidden
          data-testid="picture-input"
          onChange={(e) => {
            takePicture(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <Button
          icon={<AttachRegular />}
          aria-label={t.t('tab.compose.attach')}
          title={t.t('tab.compose.attach')}
          onClick={() => fileInput.current?.click()}
        />
        <Button appearance="primary" type="submit" icon={<SendRegular />} disabled={!canSend}>
          {busy ? t.t('tab.compose.sending') : t.t('tab.compose.send')}
        </Button>
      </div>
      <span className={mergeClasses(styles.counter, over > 0 && styles.over)} data-testid="counter">
        {t.t('tab.compose.count', { count: t.number(length), max: t.number(MAX_TEXT) })}
      </span>
    </form>
  );
}
