({
    // apply sets the agent's Omni-Channel status, or logs the agent out for "Offline". An agent who is
    // logged out of Omni-Channel is left alone: getServicePresenceStatusId fails, and the hub, reading
    // UserServicePresence back, sees the change was not applied.
    apply: function (cmp, event) {
        var statusId = event.getParam('statusId');
        var apiName = event.getParam('statusApiName');
        var requestId = event.getParam('requestId');
        var omni = cmp.find('omniToolkit');
        omni.getServicePresenceStatusId()
            .then($A.getCallback(function (current) {
                if (!statusId && apiName === 'Offline') {
                    return omni.logout();
                }
                if (current && current.statusId && current.statusId.substring(0, 15) === statusId.substring(0, 15)) {
                    return current; // already there
                }
                return omni.setServicePresenceStatus({ statusId: statusId });
            }))
            .then($A.getCallback(function () {
                console.log('Presence Hub: applied ' + apiName + ' (request ' + requestId + ')');
            }))
            .catch($A.getCallback(function (error) {
                console.warn('Presence Hub: not applied ' + apiName + ' (request ' + requestId + '): ' + JSON.stringify(error));
            }));
    }
})
