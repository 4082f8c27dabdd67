/* llmnotes: filters and sorting on generated pages */
