/**
 * A server that cannot take its port says which port and how to choose another, instead of
 * Node's bare "listen EADDRINUSE".
 */
import { LinkgateError } from '../errors/linkgate-error.js';

export async function withPortExplained<T>(port: number | string, howToChoose: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EADDRINUSE') {
      throw new LinkgateError(`port ${port} is already in use by another program`, { code: 'PortInUse', hint: `stop that program, or ${howToChoose}`, exitCode: 2 });
    }
    if (code === 'EACCES') {
      throw new LinkgateError(`not allowed to listen on port ${port}`, { code: 'PortNotAllowed', hint: `ports below 1024 need privileges: ${howToChoose}`, exitCode: 2 });
    }
    throw error;
  }
}
