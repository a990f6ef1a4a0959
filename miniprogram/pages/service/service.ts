/**
 * Customer service, one to one: agent and customer are both anchors of a two-person room, each
 * publishing a microphone and playing the other's stream.
 */
import { callPageMethods } from '../../utils/callPage';
import { initialStageData } from '../../utils/stage';

Component({
  data: { ...initialStageData(), room: '', part: '' },
  methods: callPageMethods('service', (entry) => ({ room: entry.userRoomId, part: entry.part })),
});
