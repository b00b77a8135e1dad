// presenceHubSync listens for Presence Hub's Presence_Change__e platform events (lightning/empApi)
// and, for events about the signed-in agent, fires a "presencechange" event that the utility item
// hosting it (aura/PresenceHubUtility) applies through the Omni-Channel toolkit.
import { LightningElement } from 'lwc';
import { subscribe, unsubscribe, onError } from 'lightning/empApi';
import currentUserId from '@salesforce/user/Id';

const CHANNEL = '/event/Presence_Change__e';
const NEWEST = -1; // only events published from now on: a stale change must never be replayed

export default class PresenceHubSync extends LightningElement {
    state = 'Connecting to Presence Hub…';
    lastChange = '';
    subscription;

    connectedCallback() {
        onError((error) => {
            this.state = 'Streaming error; reload the console to reconnect';
            // eslint-disable-next-line no-console
            console.error('Presence Hub: streaming error', JSON.stringify(error));
        });
        subscribe(CHANNEL, NEWEST, (message) => this.receive(message))
            .then((subscription) => {
                this.subscription = subscription;
                this.state = 'Presence Hub sync is on';
            })
            .catch((error) => {
                this.state = 'Cannot subscribe to Presence Hub events (permission set Presence_Hub_Agent?)';
                // eslint-disable-next-line no-console
                console.error('Presence Hub: subscribe failed', JSON.stringify(error));
            });
    }

    disconnectedCallback() {
        if (this.subscription) {
            unsubscribe(this.subscription, () => {});
        }
    }

    receive(message) {
        const p = message && message.data && message.data.payload;
        if (!p || !sameUser(p.UserId__c, currentUserId)) {
            return; // another agent's change
        }
        this.lastChange = p.StatusApiName__c;
        this.dispatchEvent(
            new CustomEvent('presencechange', {
                detail: { statusId: p.StatusId__c || '', statusApiName: p.StatusApiName__c || '', requestId: p.RequestId__c || '' }
            })
        );
    }
}

// sameUser compares 15- or 18-character ids on their case-sensitive 15-character form.
function sameUser(a, b) {
    return Boolean(a) && Boolean(b) && a.substring(0, 15) === b.substring(0, 15);
}
