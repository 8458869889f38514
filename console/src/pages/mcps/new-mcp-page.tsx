import { McpType } from "@mcp/proto/registry";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useClients } from "../../api/context";
import { ErrorView } from "../../components/error-view";
import { MCP_TYPES } from "../../format/enums";
import { CONFIG_TEMPLATES } from "../../mcps/config-templates";
import { buildCreateMcpRequest, type NewMcpForm } from "../../mcps/create-request";

const INITIAL: NewMcpForm = {
  name: "",
  type: McpType.PYTHON_SCRIPT,
  description: "",
  tags: "",
  config: CONFIG_TEMPLATES[McpType.PYTHON_SCRIPT],
  inputSchema: "",
  changeNote: "",
};

/** "New MCP": name, type, description, tags, config and input schema as YAML/JSON; CreateMcp. */
export function NewMcpPage() {
  const { registry } = useClients();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const id = useId();
  const [form, setForm] = useState<NewMcpForm>(INITIAL);
  const [localError, setLocalError] = useState<unknown>();
  const set = <K extends keyof NewMcpForm>(key: K, value: NewMcpForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const create = useMutation({
    mutationFn: (f: NewMcpForm) => registry.createMcp(buildCreateMcpRequest(f)),
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ["mcps"] });
      void navigate(`/mcps/${encodeURIComponent(res.mcp?.name ?? form.name)}`);
    },
  });

  const changeType = (type: McpType) => {
    // Swap the starter config along with the type, unless the user already edited it.
    const untouched = Object.values(CONFIG_TEMPLATES).includes(form.config) || form.config.trim() === "";
    setForm((f) => ({ ...f, type, config: untouched ? CONFIG_TEMPLATES[type] : f.config }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setLocalError(undefined);
    create.reset();
    try {
      buildCreateMcpRequest(form); // report YAML/JSON mistakes before calling
    } catch (err) {
      setLocalError(err);
      return;
    }
    create.mutate(form);
  };

  return (
    <>
      <h1>New MCP</h1>
      <form className="stacked" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            required
            value={form.name}
            onChange={(e) => set("name", e.target.value)}
            aria-describedby={`${id}-name-hint`}
          />
          <p id={`${id}-name-hint`} className="hint">
            Letters, digits, <code>_</code>, <code>-</code> and <code>.</code>, starting with a letter;
            unique.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select id={`${id}-type`} value={form.type} onChange={(e) => changeType(Number(e.target.value))}>
            {MCP_TYPES.map((t) => (
              <option key={t.type} value={t.type}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>Description</label>
          <textarea
            id={`${id}-description`}
            rows={2}
            value={form.description}
            onChange={(e) => set("description", e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-tags`}>Tags</label>
          <input
            id={`${id}-tags`}
            value={form.tags}
            onChange={(e) => set("tags", e.target.value)}
            aria-describedby={`${id}-tags-hint`}
          />
          <p id={`${id}-tags-hint`} className="hint">
            Comma-separated, lower-case.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-config`}>Config (YAML or JSON)</label>
          <textarea
            id={`${id}-config`}
            className="code"
            rows={12}
            spellCheck={false}
            value={form.config}
            onChange={(e) => set("config", e.target.value)}
            aria-describedby={`${id}-config-hint`}
          />
          <p id={`${id}-config-hint`} className="hint">
            The fields of the type&apos;s config (proto JSON names, e.g. <code>scriptContent</code>), as in
            the <code>config:</code> of an <code>mcp apply</code> manifest.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-schema`}>Input schema (optional, YAML or JSON)</label>
          <textarea
            id={`${id}-schema`}
            className="code"
            rows={6}
            spellCheck={false}
            value={form.inputSchema}
            placeholder={"type: object\nproperties:\n  text: { type: string }\nrequired: [text]"}
            onChange={(e) => set("inputSchema", e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-note`}>Change note</label>
          <input
            id={`${id}-note`}
            value={form.changeNote}
            onChange={(e) => set("changeNote", e.target.value)}
          />
        </div>
        {localError !== undefined && <ErrorView error={localError} title="The form has a problem" />}
        {create.isError && <ErrorView error={create.error} title="CreateMcp failed" />}
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create MCP"}
          </button>
        </div>
      </form>
    </>
  );
}
