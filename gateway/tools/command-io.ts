// Where a tool command writes and which environment it reads: the process by default, buffers in tests.
export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress bars). */
  isTTY?: boolean;
}

export const processIo: CommandIo = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  env: process.env,
  isTTY: process.stderr.isTTY,
};
