/**
 * Meeting: everyone is an anchor. Each mutes and unmutes itself; the loudest voice (the SDK's
 * active speaker, fed by the media components' volume events) is highlighted. The room's owner (the
 * first to arrive) can mute everyone else at once; the others hear it as GlobalMute.
 */
import { callPageMethods } from '../../utils/callPage';
import { initialStageData } from '../../utils/stage';

Component({
  data: { ...initialStageData(), room: '' },
  methods: callPageMethods('meeting', (entry) => ({ room: entry.userRoomId })),
});
