import { Badge, makeStyles, tokens } from '@fluentui/react-components';
import { ClockRegular, WarningFilled } from '@fluentui/react-icons';
import { useNow, useTab } from './context';
import type { ThreadSummary } from './types';
import { countdown, effectiveState } from './words';

const useStyles = makeStyles({
  time: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXXS,
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
  },
});

/** The state, and while the window is open the time left, marked clearly under one hour. */
export function StateAndWindow(props: { thread: ThreadSummary }) {
  const { t } = useTab();
  const styles = useStyles();
  const now = useNow();
  const state = effectiveState(props.thread, now);
  const left = countdown(t, props.thread, now);
  const color =
    state === 'active'
      ? 'success'
      : state === 'paused'
        ? 'warning'
        : state === 'closed'
          ? 'informative'
          : 'brand';
  return (
    <>
      <Badge appearance="tint" color={color} data-testid="state">
        {t.t(`tab.state.${state}`)}
      </Badge>
      {left && !left.ended && (
        <span
          className={styles.time}
          data-testid="countdown"
          title={t.t('tab.window.label')}
          aria-label={`${t.t('tab.window.label')}: ${left.text}`}
        >
          <ClockRegular aria-hidden />
          {left.text}
        </span>
      )}
      {left?.underHour && (
        <Badge appearance="filled" color="danger" icon={<WarningFilled />} data-testid="under-hour">
          {t.t('tab.window.under_hour')}
        </Badge>
      )}
    </>
  );
}
