/*
 * Presence Hub — business rule "Presence Hub: notify presence change"
 *
 * ServiceNow has no presence webhook. This rule tells the hub at once when an agent's AWA presence
 * changes (the hub also polls, so a missed call is caught up within sync.poll_interval).
 *
 *   Table:         Agent Presence [awa_agent_presence]
 *   When:          async            Insert: yes    Update: yes
 *   Filter:        Current presence state  changes
 *   Advanced:      yes, with this script
 *
 * System properties (sys_properties):
 *   presencehub.inbound_url     https://<hub>/v1/webhooks/<connection id>
 *   presencehub.inbound_secret  the connection's inbound_secret (base64), type password2, read role admin
 *
 * Each call is a JSON POST signed with HMAC-SHA256 over "<timestamp>.<body>", keyed with the
 * base64-decoded secret:
 *   X-PresenceHub-Timestamp: UNIX seconds (the hub refuses calls more than 5 minutes off)
 *   X-PresenceHub-Signature: base64 MAC, from GlideCertificateEncryption.generateMac
 * The body carries the row's sys_mod_count, so the hub applies each change once and in order.
 */
(function executeRule(current, previous /* null in async rules */) {
    var url = gs.getProperty('presencehub.inbound_url', '');
    var secret = gs.getProperty('presencehub.inbound_secret', '');
    if (!url || !secret) {
        gs.warn('Presence Hub: set the presencehub.inbound_url and presencehub.inbound_secret system properties');
        return;
    }
    var body = JSON.stringify({
        event: 'awa_agent_presence.changed',
        sys_id: current.getUniqueValue(),
        agent: current.getValue('agent'),
        presence_state: current.getValue('current_presence_state'),
        presence_state_name: current.current_presence_state.getDisplayValue(),
        sys_updated_on: current.getValue('sys_updated_on'),
        sys_updated_by: current.getValue('sys_updated_by'),
        sys_mod_count: current.getValue('sys_mod_count')
    });
    var timestamp = String(Math.floor(new GlideDateTime().getNumericValue() / 1000));
    var signature = new GlideCertificateEncryption().generateMac(secret, 'HmacSHA256', timestamp + '.' + body);

    var request = new sn_ws.RESTMessageV2();
    request.setEndpoint(url);
    request.setHttpMethod('post');
    request.setRequestHeader('Content-Type', 'application/json');
    request.setRequestHeader('X-PresenceHub-Timestamp', timestamp);
    request.setRequestHeader('X-PresenceHub-Signature', signature);
    request.setRequestBody(body);
    request.setHttpTimeout(10000);
    try {
        var response = request.execute();
        var status = response.getStatusCode();
        if (status < 200 || status > 299) {
            gs.warn('Presence Hub: the hub answered ' + status + ' for agent ' + current.getValue('agent') + ': ' + response.getBody());
        }
    } catch (e) {
        gs.warn('Presence Hub: could not reach the hub: ' + e);
    }
})(current, previous);
