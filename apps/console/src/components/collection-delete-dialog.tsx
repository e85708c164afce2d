// Deleting a collection drops its table: the confirmation says what goes with it, counting the
// records when the server can tell (one page of one id, so it stays cheap).
import type { Collection } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { admin, cairn } from "../api.js";
import { ConfirmDialog, useConfirmAction } from "./confirm-dialog.js";

function recordsText(count: number | undefined, pending: boolean): string {
  if (pending) return "all of its records (counting…)";
  if (count === undefined || count < 0) return "all of its records";
  return count === 1 ? "its 1 record" : `its ${count.toLocaleString()} records`;
}

export function CollectionDeleteDialog({ collection }: { collection: Collection }) {
  const ownFields = collection.fields.filter((field) => !field.system).length;
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => admin.collections.delete(collection.id),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ["collections", collection.name] });
      await queryClient.invalidateQueries({ queryKey: ["collections"] });
    },
  });
  const confirm = useConfirmAction(remove);
  const count = useQuery({
    queryKey: ["collections", collection.name, "record-count"],
    queryFn: async ({ signal }) =>
      (await cairn.collection(collection.name).list({ perPage: 1, fields: "id", signal }))
        .totalItems,
    // Not while deleting: the deletion drops this query, which must not ask again.
    enabled: confirm.open && !remove.isPending,
    staleTime: 0,
    retry: false,
  });

  return (
    <ConfirmDialog
      {...confirm.dialog}
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
      confirmLabel={`Delete ${collection.name}`}
      pendingLabel="Deleting…"
      testId="delete-collection-dialog"
      confirmTestId="confirm-delete-collection"
    />
  );
}
