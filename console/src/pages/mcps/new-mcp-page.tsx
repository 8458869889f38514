import { McpType } from "@mcp/proto/registry";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useClients } from "../../api/context";
import { CodeField } from "../../components/code-field";
import { ErrorView } from "../../components/error-view";
import { Field } from "../../components/field";
import { FormProblem, useFormCheck } from "../../components/form-check";
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
  const [form, setForm] = useState<NewMcpForm>(INITIAL);
  const { problem, check } = useFormCheck();
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
    create.reset();
    // Reports YAML/JSON mistakes before calling.
    if (check(() => buildCreateMcpRequest(form))) create.mutate(form);
  };

  return (
    <>
      <h1>New MCP</h1>
      <form className="stacked" onSubmit={submit} noValidate>
        <Field
          label="Name"
          hint={
            <>
              Letters, digits, <code>_</code>, <code>-</code> and <code>.</code>, starting with a letter;
              unique.
            </>
          }
        >
          {(control) => (
            <input {...control} required value={form.name} onChange={(e) => set("name", e.target.value)} />
          )}
        </Field>
        <Field label="Type">
          {(control) => (
            <select {...control} value={form.type} onChange={(e) => changeType(Number(e.target.value))}>
              {MCP_TYPES.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Description">
          {(control) => (
            <textarea
              {...control}
              rows={2}
              value={form.description}
              onChange={(e) => set("description", e.target.value)}
            />
          )}
        </Field>
        <Field label="Tags" hint="Comma-separated, lower-case.">
          {(control) => (
            <input {...control} value={form.tags} onChange={(e) => set("tags", e.target.value)} />
          )}
        </Field>
        <CodeField
          label="Config (YAML or JSON)"
          rows={12}
          value={form.config}
          onChange={(v) => set("config", v)}
          hint={
            <>
              The fields of the type&apos;s config (proto JSON names, e.g. <code>scriptContent</code>), as in
              the <code>config:</code> of an <code>mcp apply</code> manifest, and beside them{" "}
              <code>network</code> and <code>secrets</code>.
            </>
          }
        />
        <CodeField
          label="Input schema (optional, YAML or JSON)"
          rows={6}
          value={form.inputSchema}
          placeholder={"type: object\nproperties:\n  text: { type: string }\nrequired: [text]"}
          onChange={(v) => set("inputSchema", v)}
        />
        <Field label="Change note">
          {(control) => (
            <input {...control} value={form.changeNote} onChange={(e) => set("changeNote", e.target.value)} />
          )}
        </Field>
        <FormProblem problem={problem} />
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
