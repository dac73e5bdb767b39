import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as enDictionary } from '@zxcvbn-ts/language-en';
import { installPasswordDictionaries } from './password';

// Importing this module arms the password rule (see password.ts for why it is separate).
installPasswordDictionaries({ dictionary: { ...commonDictionary, ...enDictionary }, graphs: adjacencyGraphs });
