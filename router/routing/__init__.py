"""The search core: requests, the compiled network handle, the label search behind one entry
point (:func:`router.routing.query.build_search`), lower bounds, no-route explanations and
itineraries (routes turned into legs, customs events and costs)."""
