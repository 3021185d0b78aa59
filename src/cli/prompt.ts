// Typed confirmation on the terminal: only the exact word `yes` proceeds.
import { createInterface } from 'node:readline/promises';

export async function confirmTyped(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** Asks for a key passphrase without echoing it (the SSH layer asks once per key file). */
export async function promptHidden(identityFile: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput?: (text: string) => void };
  const question = `Passphrase for ${identityFile}: `;
  output._writeToOutput = (text: string) => {
    // Echo only the question and the final newline, never the typed characters.
    if (text.startsWith(question) || text === '\r\n' || text === '\n') process.stderr.write(text.startsWith(question) ? question : '\n');
  };
  try {
    const answer = await rl.question(question);
    return answer.length > 0 ? answer : undefined;
  } finally {
    rl.close();
  }
}
