// The first part of every trace id of this process (trace ids are "<boot id>-<sequence>"): the app's and the HTTP
// thread's own answers alike, so a trace id names the process that answered.
import { randomBytes } from "node:crypto";

export const traceBootId = randomBytes(3).toString("hex");
