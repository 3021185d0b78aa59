// Real sshd, dockerd and namespaces are slow by nature: integration tests get minutes, not seconds.
import { jest } from '@jest/globals';

jest.setTimeout(300_000);
