import { ReferenceBackend } from '../../src/backend/index.js';
import { describeBackendConformance } from '../../src/testing/index.js';

describeBackendConformance('reference', () => new ReferenceBackend());
