// Deleting records, one or a selection, after a confirmation that says how many. A selection
// goes as batches of at most 100 (the batch limit), each one transaction.
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { cairn } from "../api.js";
import { shownError } from "../errors.js";
import { ErrorBanner } from "./error-banner.js";

const batchLimit = 100;

export function RecordsDeleteDialog({
  collection,
  ids,
  onClose,
}: {
  collection: string;
  /** The records to delete; null when the dialog is closed. */
  ids: string[] | null;
  /** Called with the deleted ids, or null when cancelled. */
  onClose: (deleted: string[] | null) => void;
}) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: async (targets: string[]) => {
      const records = cairn.collection(collection);
      if (targets.length === 1) return records.delete(targets[0]!);
      for (let start = 0; start < targets.length; start += batchLimit) {
        await cairn.batch(
          targets.slice(start, start + batchLimit).map((id) => records.op.delete(id)),
        );
      }
    },
    onSuccess: async (_, targets) => {
      onClose(targets);
      await queryClient.invalidateQueries({ queryKey: ["collections", collection, "records"] });
    },
  });
  const count = ids?.length ?? 0;
  const what = count === 1 ? "this record" : `${count} records`;

  return (
    <AlertDialog.Root
      open={ids !== null}
      onOpenChange={(next) => {
        if (!next) {
          onClose(null);
          remove.reset();
        }
      }}
    >
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog card" data-testid="delete-records-dialog">
          <AlertDialog.Title>Delete {what}?</AlertDialog.Title>
          <AlertDialog.Description>
            {count === 1 ? (
              <>
                Record <code>{ids?.[0]}</code> and its files are deleted from “{collection}”.
              </>
            ) : (
              <>
                <strong data-testid="delete-records-count">{count}</strong> records and their files
                are deleted from “{collection}”.
              </>
            )}{" "}
            It cannot be undone.
          </AlertDialog.Description>
          <ErrorBanner error={shownError(remove.error)} />
          <div className="dialog-actions">
            <AlertDialog.Cancel asChild>
              <button type="button" className="button secondary">
                Cancel
              </button>
            </AlertDialog.Cancel>
            <button
              type="button"
              className="button danger"
              disabled={remove.isPending}
              onClick={() => ids && remove.mutate(ids)}
              data-testid="confirm-delete-records"
            >
              {remove.isPending ? "Deleting…" : `Delete ${what}`}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
