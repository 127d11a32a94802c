'use client';
// The put form of the data explorer: key, value and an optional expected version that turns the
// put into a compare-and-set. Bad input is refused here with the field named; the server's
// refusal (a failed condition, an oversize value) is shown inside the form.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';

const inputClass = 'rounded border border-slate-300 bg-transparent px-2 py-1 dark:border-slate-700';
/** Same limits as the data API (docs/API.md). */
const MAX_KEY_BYTES = 1_024;
const MAX_VALUE_BYTES = 1_048_576;

interface Props {
  readonly container: string;
  readonly initialKey: string;
  readonly onStored: (key: string) => Promise<void>;
  readonly putObject: (container: string, key: string, value: string, expectedVersion: number | null) => Promise<number>;
}

function problemOf(key: string, value: string, expected: string): string | null {
  const keyBytes = new TextEncoder().encode(key).length;
  if (keyBytes === 0) return 'Key: required';
  if (keyBytes > MAX_KEY_BYTES) return `Key: ${keyBytes} bytes is over the limit of ${MAX_KEY_BYTES}`;
  const valueBytes = new TextEncoder().encode(value).length;
  if (valueBytes > MAX_VALUE_BYTES) return `Value: ${valueBytes} bytes is over the limit of ${MAX_VALUE_BYTES}`;
  if (expected.trim() !== '' && !/^\d{1,15}$/.test(expected.trim())) return 'Expected version: a whole number, or empty';
  return null;
}

export function PutObjectForm({ container, initialKey, onStored, putObject }: Props) {
  const [key, setKey] = useState(initialKey);
  const [value, setValue] = useState('');
  const [expected, setExpected] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const put = useMutation({
    mutationFn: (input: { key: string; value: string; expectedVersion: number | null }) => putObject(container, input.key, input.value, input.expectedVersion),
    onSuccess: async (_version, input) => { await onStored(input.key); },
  });
  const submit = (): void => {
    const found = problemOf(key, value, expected);
    setProblem(found);
    if (found !== null) return;
    put.mutate({ key, value, expectedVersion: expected.trim() === '' ? null : Number(expected.trim()) });
  };
  return (
    <form aria-label="Put object" className="flex max-w-xl flex-col gap-2" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <h2 className="text-lg font-semibold">Put an object in {container}</h2>
      <label className="flex flex-col gap-1 text-sm">Key
        <input aria-label="Key" value={key} onChange={(e) => setKey(e.target.value)} className={`${inputClass} font-mono`} />
      </label>
      <label className="flex flex-col gap-1 text-sm">Value
        <textarea aria-label="Value" rows={4} value={value} onChange={(e) => setValue(e.target.value)} className={`${inputClass} font-mono`} />
      </label>
      <label className="flex flex-col gap-1 text-sm">Expected version (optional)
        <input aria-label="Expected version (optional)" inputMode="numeric" value={expected} onChange={(e) => setExpected(e.target.value)} className={`${inputClass} w-32`} />
      </label>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={put.isPending} className="rounded bg-slate-800 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-200 dark:text-slate-900">Put object</button>
        {put.isSuccess && problem === null && <span role="status" className="text-sm text-green-700 dark:text-green-400">Stored version {put.data}</span>}
      </div>
      {problem !== null && <p role="alert" className="text-sm text-red-600">{problem}</p>}
      {put.isError && problem === null && <p role="alert" className="text-sm text-red-600">Not stored: {put.error.message}</p>}
    </form>
  );
}
