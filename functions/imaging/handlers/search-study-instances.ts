import { searchInstancesHandler } from './search-instances';

export const handler = searchInstancesHandler('searchStudyInstances');
