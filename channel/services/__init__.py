"""Writes for panels, cases and meetings, one module per job: import each service from the module that owns it.
Each service validates, writes its chronology entry and its audit event in one transaction; a refused change
raises ValidationError with a message fit for the page."""
