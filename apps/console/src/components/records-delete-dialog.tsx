// Deleting records, one or a selection, after a confirmation that says how many. A selection
// goes as batches of at most 100 (the batch limit), each one transaction.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { cairn } from "../api.js";
import { ConfirmDialog } from "./confirm-dialog.js";

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
    <ConfirmDialog
      open={ids !== null}
      onOpenChange={(next) => {
        if (!next) {
          onClose(null);
          remove.reset();
        }
      }}
      title={`Delete ${what}?`}
      description={
        <>
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
        </>
      }
      error={remove.error}
      pending={remove.isPending}
      confirmLabel={`Delete ${what}`}
      pendingLabel="Deleting…"
      onConfirm={() => ids && remove.mutate(ids)}
      testId="delete-records-dialog"
      confirmTestId="confirm-delete-records"
    />
  );
}
