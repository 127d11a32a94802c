'use client';
// Confirmations before dangerous actions. A destructive one asks the operator to type the
// name of what goes; a name that does not match is reported, never silently ignored.

export type TypedConfirmation =
  | { readonly kind: 'confirmed' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'mismatch'; readonly message: string };

/** Asks to type `name`; the answer says whether it matched, and what to tell the operator if not. */
export function confirmByTypingName(name: string, question: string): TypedConfirmation {
  const typed = window.prompt(`${question} Type ${name} to confirm.`);
  if (typed === null) return { kind: 'cancelled' };
  if (typed.trim() === name) return { kind: 'confirmed' };
  return { kind: 'mismatch', message: `"${typed.trim()}" does not match ${name}; nothing was done. Type ${name} exactly to confirm.` };
}

export function confirmAction(question: string): boolean {
  return window.confirm(question);
}
