// JUnit XML in the Apache Ant shape that CI servers read (GitHub Actions reporters, GitLab, Jenkins): <testsuites> of
// <testsuite> with properties, testcases, system-out and system-err — the strict Ant JUnit schema's required parts.
import { hostname } from "node:os";

export type CaseStatus = "pass" | "fail" | "skipped" | "error";

export interface JunitCase {
  name: string;
  classname: string;
  status: CaseStatus;
  /** Seconds. */
  time?: number;
  /** One line: the failure/skip reason. */
  message?: string;
  /** Longer text: evidence, curl reproductions. */
  details?: string;
}

export interface JunitSuite {
  name: string;
  cases: JunitCase[];
  properties?: Record<string, string>;
  /** Seconds. */
  time?: number;
  systemOut?: string;
}

// XML 1.0 §2.2: these code points cannot appear in a document at all, not even escaped.
// eslint-disable-next-line no-control-regex -- the control characters are exactly what this pattern is for
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(s: string): string {
  return s
    .replace(INVALID_XML, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Ant's schema types `timestamp` as xs:dateTime without a zone. */
function antTimestamp(d: Date): string {
  return d.toISOString().slice(0, 19);
}

const secs = (n: number | undefined) => (n ?? 0).toFixed(3);

export function renderJunit(
  suites: JunitSuite[],
  opts: { name: string; timestamp?: Date } = { name: "gatesim" },
): string {
  const ts = antTimestamp(opts.timestamp ?? new Date());
  const host = xmlEscape(hostname() || "localhost");
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = suites.flatMap((s) => s.cases);
  const count = (cs: JunitCase[], st: CaseStatus) => cs.filter((c) => c.status === st).length;
  out.push(
    `<testsuites name="${xmlEscape(opts.name)}" tests="${all.length}" failures="${count(all, "fail")}" errors="${count(all, "error")}" skipped="${count(all, "skipped")}" time="${secs(suites.reduce((t, s) => t + (s.time ?? 0), 0))}">`,
  );
  suites.forEach((s, id) => {
    out.push(
      `  <testsuite package="${xmlEscape(opts.name)}" id="${id}" name="${xmlEscape(s.name)}" timestamp="${ts}" hostname="${host}" tests="${s.cases.length}" failures="${count(s.cases, "fail")}" errors="${count(s.cases, "error")}" skipped="${count(s.cases, "skipped")}" time="${secs(s.time)}">`,
    );
    out.push("    <properties>");
    for (const [k, v] of Object.entries(s.properties ?? {}))
      out.push(`      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`);
    out.push("    </properties>");
    for (const c of s.cases) {
      const head = `    <testcase name="${xmlEscape(c.name)}" classname="${xmlEscape(c.classname)}" time="${secs(c.time)}"`;
      if (c.status === "pass") {
        out.push(`${head}/>`);
        continue;
      }
      out.push(`${head}>`);
      const tag = c.status === "fail" ? "failure" : c.status === "error" ? "error" : "skipped";
      const msg = c.message !== undefined ? ` message="${xmlEscape(c.message)}"` : "";
      if (tag === "skipped") out.push(`      <skipped${msg}/>`);
      else
        out.push(
          `      <${tag}${msg} type="${c.status === "fail" ? "gatesim.requirement" : "gatesim.error"}">${xmlEscape(c.details ?? c.message ?? "")}</${tag}>`,
        );
      out.push("    </testcase>");
    }
    out.push(`    <system-out>${xmlEscape(s.systemOut ?? "")}</system-out>`);
    out.push("    <system-err></system-err>");
    out.push("  </testsuite>");
  });
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}
