// Deleting a collection drops its table: the confirmation says what goes with it, counting the
// records when the server can tell (one page of one id, so it stays cheap).
import type { Collection } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { admin, cairn } from "../api.js";
import { ConfirmDialog } from "./confirm-dialog.js";

function recordsText(count: number | undefined, pending: boolean): string {
  if (pending) return "all of its records (counting…)";
  if (count === undefined || count < 0) return "all of its records";
  return count === 1 ? "its 1 record" : `its ${count.toLocaleString()} records`;
}

export function CollectionDeleteDialog({ collection }: { collection: Collection }) {
  const [open, setOpen] = useState(false);
  const ownFields = collection.fields.filter((field) => !field.system).length;
  const queryClient = useQueryClient();
  const count = useQuery({
    queryKey: ["collections", collection.name, "record-count"],
    queryFn: async ({ signal }) =>
      (await cairn.collection(collection.name).list({ perPage: 1, fields: "id", signal }))
        .totalItems,
    enabled: open,
    staleTime: 0,
    retry: false,
  });
  const remove = useMutation({
    mutationFn: () => admin.collections.delete(collection.id),
    onSuccess: async () => {
      setOpen(false);
      queryClient.removeQueries({ queryKey: ["collections", collection.name] });
      await queryClient.invalidateQueries({ queryKey: ["collections"] });
    },
  });

  return (
    <ConfirmDialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) remove.reset();
      }}
      trigger={
        <button
          type="button"
          className="button danger small"
          aria-label={`Delete collection ${collection.name}`}
          data-testid={`delete-collection-${collection.name}`}
        >
          Delete
        </button>
      }
      title={`Delete “${collection.name}”?`}
      description={
        <>
          This drops the collection's table with{" "}
          <strong data-testid="delete-collection-records">
            {recordsText(count.data, count.isFetching)}
          </strong>
          , its {ownFields} {ownFields === 1 ? "field" : "fields"}, its rules and indexes. It cannot
          be undone.
        </>
      }
      error={remove.error}
      pending={remove.isPending}
      confirmLabel={`Delete ${collection.name}`}
      pendingLabel="Deleting…"
      onConfirm={() => remove.mutate()}
      testId="delete-collection-dialog"
      confirmTestId="confirm-delete-collection"
    />
  );
}
