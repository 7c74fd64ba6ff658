/**
 * Date fields that read the same in every browser: a text field holding `YYYY-MM-DD` (what
 * the views read from `.value`, as from a native date field), whatever the browser's locale,
 * which a native `<input type=date>` would show as mm/dd/yyyy in an English browser. Typed
 * days are read leniently (`lib/day.ts`) and written back in that form; one that is not a real
 * day is marked and said, and its `change` does not reach the view. A button opens the
 * browser's own calendar to pick from.
 */
import { t } from '../i18n';
import { readDay } from '../lib/day';
import { h } from './dom';

const CALENDAR_ICON =
  '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><rect x="1.5" y="2.5" width="13" height="12" rx="1.5" fill="none" stroke="currentColor"/><path d="M1.5 6h13M5 1v3M11 1v3" stroke="currentColor"/><rect x="4" y="8" width="2" height="2" fill="currentColor"/><rect x="7" y="8" width="2" height="2" fill="currentColor"/><rect x="10" y="8" width="2" height="2" fill="currentColor"/></svg>';

/** A text field for a day; give it to `dateField` to get the calendar button and the message. */
export function dateInput(value = ''): HTMLInputElement {
  const input = h('input', {
    type: 'text',
    class: 'date-input',
    inputmode: 'numeric',
    autocomplete: 'off',
    maxlength: 12,
    i18nPlaceholder: 'common.datePlaceholder',
    value,
  });
  // Registered first, so it runs before the view's own `change` listeners.
  input.addEventListener('change', (e) => {
    const day = readDay(input.value);
    const error = input.parentElement?.querySelector<HTMLElement>('.date-error');
    if (day === null) {
      input.setAttribute('aria-invalid', 'true');
      if (error) error.textContent = t('common.dateInvalid', { text: input.value.trim() });
      e.stopImmediatePropagation();
      return;
    }
    input.removeAttribute('aria-invalid');
    if (error) error.textContent = '';
    input.value = day;
  });
  return input;
}

/** A labelled day field: the text field, a button opening the browser's calendar, the message. */
export function dateField(labelKey: Parameters<typeof t>[0], input: HTMLInputElement, id: string): HTMLElement {
  input.id = id;
  const picker = h('input', { type: 'date', class: 'date-picker', tabindex: -1, 'aria-hidden': 'true' });
  picker.addEventListener('change', () => {
    input.value = picker.value;
    input.dispatchEvent(new Event('change'));
  });
  const open = (): void => {
    const day = readDay(input.value);
    picker.value = day ?? '';
    try {
      picker.showPicker();
    } catch {
      // A browser without showPicker (or one refusing it here) still has the text field.
      input.focus();
    }
  };
  const button = h('button', { type: 'button', class: 'date-open', i18nAriaLabel: 'common.datePick', i18nTitle: 'common.datePick', on: { click: open } });
  // A small calendar drawn in SVG (a fixed string: no emoji font is needed).
  button.innerHTML = CALENDAR_ICON;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id, i18n: labelKey }),
    h('div', { class: 'date-control' }, input, button, picker, h('span', { class: 'date-error', role: 'alert' })),
  );
}
