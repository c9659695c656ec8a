/**
 * JSON paths of response-rewrite rules: member names joined by dots, array steps in brackets.
 *
 *     user.ssn            member ssn of member user
 *     items[*].card       member card of every element of items
 *     items[0]            first element of items
 *     users.*.password    member password of every member of users
 *
 * A name may hold any character but `.` and `[`; the path is parsed once at configure time.
 */

/** What one step of a path selects. */
export enum StepKind {
  /** An object member by name. */
  Member = 0,
  /** Every member of an object (`.*`). */
  AnyMember = 1,
  /** An array element by index (`[3]`). */
  Index = 2,
  /** Every element of an array (`[*]`). */
  AnyIndex = 3,
}

/** One step of a path. */
export class Step {
  constructor(public kind: StepKind, public name: string, public index: i32) {}
}

function memberStep(name: string): Step {
  return name == "*" ? new Step(StepKind.AnyMember, "", 0) : new Step(StepKind.Member, name, 0);
}

/** Parses `path`; null when it is empty or malformed (empty name, unclosed or bad bracket). */
export function parsePath(path: string): Array<Step> | null {
  const steps = new Array<Step>();
  let i = 0;
  const n = path.length;
  if (n == 0) return null;
  while (i < n) {
    const c = path.charCodeAt(i);
    if (c == 91) { // [
      const close = path.indexOf("]", i);
      if (close < 0) return null;
      const inner = path.substring(i + 1, close);
      if (inner == "*") steps.push(new Step(StepKind.AnyIndex, "", 0));
      else {
        if (inner.length == 0 || inner.length > 9) return null;
        let v = 0;
        for (let k = 0; k < inner.length; k++) {
          const d = inner.charCodeAt(k) - 48;
          if (d < 0 || d > 9) return null;
          v = v * 10 + d;
        }
        steps.push(new Step(StepKind.Index, "", v));
      }
      i = close + 1;
      // After a bracket: another bracket, a dot and a name, or the end.
      if (i < n && path.charCodeAt(i) == 46) {
        i++;
        if (i >= n) return null;
      } else if (i < n && path.charCodeAt(i) != 91) return null;
      continue;
    }
    let end = i;
    while (end < n && path.charCodeAt(end) != 46 && path.charCodeAt(end) != 91) end++;
    if (end == i) return null;
    steps.push(memberStep(path.substring(i, end)));
    i = end;
    if (i < n && path.charCodeAt(i) == 46) {
      i++;
      if (i >= n) return null;
    }
  }
  return steps;
}
