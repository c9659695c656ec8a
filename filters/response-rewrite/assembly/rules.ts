/**
 * Rewrite rules and their application to a parsed JSON document. A rule walks its path (see
 * path.ts) through every matching value and then redacts, removes or sets what it reaches.
 */
import { JsonKind, JsonValue } from "sdk/assembly";
import { Step, StepKind } from "./path";

/** What a rule does at its path. */
export enum Action {
  /** Replace an existing value with the redaction value (default the string "***"). */
  Redact = 0,
  /** Delete an existing member or array element. */
  Remove = 1,
  /** Put `value` there, adding the member when the parent object lacks it. */
  Set = 2,
}

/** One configured rule. */
export class Rule {
  constructor(public steps: Array<Step>, public action: Action, public value: JsonValue) {}
}

/** Applies the action to slot `i` of `parent` (an existing element or member). */
function actOn(parent: JsonValue, i: i32, rule: Rule): i32 {
  if (rule.action == Action.Remove) {
    parent.items.splice(i, 1);
    if (parent.kind == JsonKind.Object) parent.keys.splice(i, 1);
  } else {
    parent.items[i] = rule.value;
  }
  return 1;
}

/** Walks `rule` from step `depth` below `node`; returns how many values changed. */
function walk(node: JsonValue, rule: Rule, depth: i32): i32 {
  const step = rule.steps[depth];
  const last = depth == rule.steps.length - 1;
  let changed = 0;
  if (step.kind == StepKind.Member) {
    if (node.kind != JsonKind.Object) return 0;
    // Every member of that name: a document with duplicate keys must not keep a second copy
    // in clear (clients disagree on which duplicate wins). Backwards, so removals do not
    // shift the slots still to visit.
    let found = false;
    for (let i = node.keys.length - 1; i >= 0; i--) {
      if (node.keys[i] != step.name) continue;
      found = true;
      changed += last ? actOn(node, i, rule) : walk(node.items[i], rule, depth + 1);
    }
    if (found) return changed;
    // Only `set` creates, and only the final member of an object that exists.
    if (last && rule.action == Action.Set) {
      node.set(step.name, rule.value);
      return 1;
    }
    return 0;
  }
  if (step.kind == StepKind.Index) {
    if (node.kind != JsonKind.Array || step.index >= node.items.length) return 0;
    return last ? actOn(node, step.index, rule) : walk(node.items[step.index], rule, depth + 1);
  }
  const wantKind = step.kind == StepKind.AnyMember ? JsonKind.Object : JsonKind.Array;
  if (node.kind != wantKind) return 0;
  // Backwards, so removals do not shift the slots still to visit.
  for (let i = node.items.length - 1; i >= 0; i--) {
    changed += last ? actOn(node, i, rule) : walk(node.items[i], rule, depth + 1);
  }
  return changed;
}

/** Applies every rule to `doc`, in order; returns how many values changed. */
export function applyRules(doc: JsonValue, rules: Array<Rule>): i32 {
  let changed = 0;
  for (let i = 0; i < rules.length; i++) changed += walk(doc, rules[i], 0);
  return changed;
}
