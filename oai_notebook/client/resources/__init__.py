"""One module per API resource, all built on client._resource.Resource."""
