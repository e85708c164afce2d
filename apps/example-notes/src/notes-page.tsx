// The signed-in user's notes: search, write a new one, edit, pin and delete in place.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import {
  createNote,
  deleteNote,
  describeError,
  listNotes,
  type Note,
  type NotesClient,
  updateNote,
} from "./notes-api.js";

export function NotesPage({ cairn }: { cairn: NotesClient }) {
  const [notes, setNotes] = useState<Note[]>([]);
  const [search, setSearch] = useState("");
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(describeError(caught));
    }
  }, []);

  const load = useCallback(async () => setNotes(await listNotes(cairn, search)), [cairn, search]);
  useEffect(() => {
    void run(load);
  }, [run, load]);
  /** Runs a write, then shows the list as the server now has it. */
  const change = (action: () => Promise<unknown>) =>
    run(async () => {
      await action();
      await load();
    });

  return (
    <section className="notes">
      <NoteForm
        submitLabel="Add note"
        onSubmit={(draft) => change(() => createNote(cairn, draft))}
      />
      <input
        type="search"
        placeholder="Search notes"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {error && <p className="error">{error}</p>}
      {notes.length === 0 && <p className="muted">No notes yet.</p>}
      <ul>
        {notes.map((note) => (
          <NoteItem
            key={note.id}
            note={note}
            onSave={(changes) => change(() => updateNote(cairn, note.id, changes))}
            onDelete={() => change(() => deleteNote(cairn, note.id))}
          />
        ))}
      </ul>
    </section>
  );
}

interface Draft {
  title: string;
  body: string;
  pinned: boolean;
}

function NoteItem(props: {
  note: Note;
  onSave: (changes: Draft) => Promise<unknown>;
  onDelete: () => Promise<unknown>;
}) {
  const { note } = props;
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <li className="card">
        <NoteForm
          initial={{ title: note.title, body: note.body ?? "", pinned: note.pinned }}
          submitLabel="Save"
          onSubmit={async (changes) => {
            await props.onSave(changes);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      </li>
    );
  }
  return (
    <li className="card">
      <h3>
        {note.pinned && <span title="Pinned">📌 </span>}
        {note.title}
      </h3>
      {note.body && <p className="body">{note.body}</p>}
      <footer>
        <time dateTime={note.updated}>{new Date(note.updated).toLocaleString()}</time>
        <button type="button" className="link" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button type="button" className="link danger" onClick={() => void props.onDelete()}>
          Delete
        </button>
      </footer>
    </li>
  );
}

function NoteForm(props: {
  initial?: Draft;
  submitLabel: string;
  onSubmit: (draft: Draft) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const empty: Draft = { title: "", body: "", pinned: false };
  const [draft, setDraft] = useState<Draft>(props.initial ?? empty);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await props.onSubmit(draft);
    if (!props.initial) setDraft(empty);
  }

  return (
    <form className="note-form" onSubmit={submit}>
      <input
        placeholder="Title"
        required
        maxLength={200}
        value={draft.title}
        onChange={(e) => setDraft({ ...draft, title: e.target.value })}
      />
      <textarea
        placeholder="Write something…"
        rows={3}
        value={draft.body}
        onChange={(e) => setDraft({ ...draft, body: e.target.value })}
      />
      <div className="row">
        <label className="inline">
          <input
            type="checkbox"
            checked={draft.pinned}
            onChange={(e) => setDraft({ ...draft, pinned: e.target.checked })}
          />
          Pinned
        </label>
        {props.onCancel && (
          <button type="button" className="link" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <button type="submit">{props.submitLabel}</button>
      </div>
    </form>
  );
}
