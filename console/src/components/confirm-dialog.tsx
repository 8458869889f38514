import { useId, useRef, type ReactNode } from "react";
import { Modal } from "./modal";

interface Props {
  /** The question, e.g. "Move production from v1 to v2?"; it names the dialog. */
  readonly title: string;
  readonly confirmLabel: string;
  /** The button that closes the dialog without acting. */
  readonly cancelLabel?: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly busy?: boolean;
  readonly children?: ReactNode;
}

/**
 * A modal question with Cancel and a confirm button. Escape or Cancel closes it without acting;
 * nothing happens until the confirm button is pressed.
 */
export function ConfirmDialog({
  title,
  confirmLabel,
  cancelLabel = "Cancel",
  onConfirm,
  onCancel,
  busy = false,
  children,
}: Props) {
  const titleId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal labelledBy={titleId} onClose={onCancel} initialFocus={cancelRef}>
      <h2 id={titleId}>{title}</h2>
      {children}
      <div className="actions">
        <button type="button" ref={cancelRef} onClick={onCancel} disabled={busy}>
          {cancelLabel}
        </button>
        <button type="button" className="primary" onClick={onConfirm} disabled={busy}>
          {busy ? "Working…" : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
